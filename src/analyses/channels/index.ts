import type { Engine } from '../../storage/engine.js';
import { listBuckets } from '../shared/buckets.js';
import { change, type Change } from '../shared/comparison.js';
import type { Analysis, AnalysisContext } from '../shared/context.js';
import { comparisonRange, type ComparisonKind, type ResolvedRange, resolveRange } from '../shared/date-range.js';
import { describeRange, type ResultDefinition } from '../shared/definition.js';
import { compileBehaviour, compileSpend } from './compile.js';
import { type ChannelMetrics, deriveMetrics, FORMULAS, RATE_METRICS, zeroInputs } from './metrics.js';
import { type ChannelsSpec, channelsSchema } from './schema.js';
import { type BehaviourRow, type ChannelCells, mergeRows, rowKey, type SpendRow, totalOf } from './shape.js';

export { channelsSchema, type ChannelsSpec } from './schema.js';

export interface ChannelComparison {
  range: ResultDefinition['range'];
  metrics: ChannelMetrics;
  change: Partial<Record<keyof ChannelMetrics, Change>>;
}

export interface ChannelRow {
  channel: string;
  campaign?: string;
  metrics: ChannelMetrics;
  /** Per bucket, aligned with `buckets` (interval day or week). */
  series?: ChannelMetrics[];
  compare?: Partial<Record<ComparisonKind, ChannelComparison>>;
}

export interface ChannelsResult {
  interval: ChannelsSpec['interval'];
  groupBy: ChannelsSpec['groupBy'];
  conversionEvent: string;
  buckets?: string[];
  rows: ChannelRow[];
  total: Omit<ChannelRow, 'channel' | 'campaign'>;
  definition: ResultDefinition;
}

async function fetchCells(spec: ChannelsSpec, ctx: AnalysisContext, engine: Engine, range: ResolvedRange) {
  const opts = ctx.signal ? { signal: ctx.signal } : {};
  const [spend, behaviour] = await Promise.all([
    engine.query<SpendRow>(compileSpend(spec, ctx, range), opts),
    engine.query<BehaviourRow>(compileBehaviour(spec, ctx, range), opts),
  ]);
  return { cells: mergeRows(spend, behaviour), currencies: [...new Set(spend.flatMap((r) => r.currencies))] };
}

function compareMetrics(current: ChannelMetrics, previous: ChannelMetrics, range: ResolvedRange): ChannelComparison {
  const out: ChannelComparison['change'] = {};
  for (const k of Object.keys(current) as (keyof ChannelMetrics)[]) out[k] = change(current[k], previous[k], RATE_METRICS.includes(k));
  return { range: describeRange(range), metrics: previous, change: out };
}

/** Channel performance: see docs/analyses.md#channel-performance. */
export const channels: Analysis<ChannelsSpec, ChannelsResult> = {
  kind: 'channels',
  schema: channelsSchema,
  async run(spec, ctx, engine) {
    const range = resolveRange(spec.dateRange, ctx);
    const buckets = spec.interval === 'total' ? null : listBuckets(range, spec.interval, ctx);
    const current = await fetchCells(spec, ctx, engine, range);
    const margin = spec.grossMargin ?? 1;
    const seriesOf = (c: ChannelCells, key: string) => buckets?.map((b) => deriveMetrics(c.cells.get(key)?.get(b.key) ?? zeroInputs(), margin));
    const rows: ChannelRow[] = current.cells.keys.map(({ channel, campaign }) => {
      const key = rowKey(channel, campaign);
      const series = seriesOf(current.cells, key);
      return { channel, ...(spec.groupBy === 'campaign' ? { campaign } : {}), metrics: deriveMetrics(totalOf(current.cells, key), margin), ...(series ? { series } : {}) };
    });
    const totalSeries = buckets ? buckets.map((_, i) => sumMetrics(rows.map((r) => r.series![i]!), margin)) : undefined;
    const total: ChannelsResult['total'] = { metrics: deriveMetrics(totalOf(current.cells), margin), ...(totalSeries ? { series: totalSeries } : {}) };
    const comparisons: NonNullable<ResultDefinition['comparison']> = [];
    const currencies = new Set(current.currencies);
    for (const kind of spec.compare) {
      const prevRange = comparisonRange(range, kind, ctx.timeZone);
      const prev = await fetchCells(spec, ctx, engine, prevRange);
      prev.currencies.forEach((c) => currencies.add(c));
      comparisons.push({ kind, from: prevRange.from.toISOString(), to: prevRange.to.toISOString() });
      for (const r of rows) {
        const before = deriveMetrics(totalOf(prev.cells, rowKey(r.channel, r.campaign ?? '')), margin);
        r.compare = { ...r.compare, [kind]: compareMetrics(r.metrics, before, prevRange) };
      }
      total.compare = { ...total.compare, [kind]: compareMetrics(total.metrics, deriveMetrics(totalOf(prev.cells), margin), prevRange) };
    }
    rows.sort((a, b) => b.metrics.spend - a.metrics.spend || b.metrics.newPersons - a.metrics.newPersons || a.channel.localeCompare(b.channel));
    const foreign = [...currencies].filter((c) => c !== ctx.currency);
    return {
      interval: spec.interval,
      groupBy: spec.groupBy,
      conversionEvent: spec.conversionEvent,
      ...(buckets ? { buckets: buckets.map((b) => b.label) } : {}),
      rows,
      total,
      definition: {
        unit: `${ctx.currency} for money; persons for new persons, conversions and customers`,
        timeZone: ctx.timeZone,
        range: describeRange(range),
        ...(comparisons.length ? { comparison: comparisons } : {}),
        formula: Object.values(FORMULAS).join('; '),
        notes: [
          'attribution: first touch — a person belongs to the channel (and campaign) of their earliest event carrying a channel, identity merges applied',
          'new persons: persons whose first touch lies in the range; conversions, new paying customers and revenue count only persons acquired in the range, for what they do at or after their first touch and inside the range',
          `conversions: distinct persons doing ${spec.conversionEvent}; new paying customers: persons whose first-ever ${'order_paid'} is in the range`,
          'revenue: order_paid revenue minus order_refunded refund_amount, by the day of each event',
          'spend, impressions and clicks: ad_spend rows (the latest import of each day, channel and campaign), by reporting day; paid CAC counts ad spend only',
          spec.grossMargin ? `ROI return = revenue × gross margin ${spec.grossMargin}` : 'ROI return = revenue (no gross margin given): ROI = ROAS − 1',
          'the total row: all ad spend over all channel-attributed persons; persons never touched by a channel appear in no row',
          ...(foreign.length ? [`spend rows in ${foreign.join(', ')} were summed as ${ctx.currency} without conversion`] : []),
        ],
      },
    };
  },
};

function sumMetrics(list: ChannelMetrics[], margin: number): ChannelMetrics {
  const inputs = zeroInputs();
  for (const m of list) for (const k of Object.keys(inputs) as (keyof typeof inputs)[]) inputs[k] += m[k];
  return deriveMetrics(inputs, margin);
}
