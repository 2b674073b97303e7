import { FupanError } from '../../core/errors/index.js';
import type { Engine } from '../../storage/engine.js';
import { type Bucket, listBuckets } from '../shared/buckets.js';
import { change, type Change } from '../shared/comparison.js';
import type { Analysis, AnalysisContext } from '../shared/context.js';
import { comparisonRange, type ComparisonKind, type ResolvedRange, resolveRange } from '../shared/date-range.js';
import { describeRange, type ResultDefinition } from '../shared/definition.js';
import { LIMITS } from '../shared/limits.js';
import { bitmapProbe, bitmapsPayOff } from '../shared/active-persons.js';
import { eventList } from '../shared/source.js';
import { activePersonsPlan, compileActiveTopValues, compileActiveTrends } from './compile-active.js';
import { compileTopValues, compileTrends } from './compile.js';
import { ACTIVE_WINDOW_DAYS, type TrendSeries, type TrendsSpec, trendsSchema } from './schema.js';
import { finishValues, letterOf, shapeLines, type TrendLine, type TrendRow } from './shape.js';

export { trendsSchema, type TrendsSpec } from './schema.js';

export interface TrendComparison {
  range: ResultDefinition['range'];
  values: (number | null)[];
  aggregate: number | null;
  /** Change of the aggregate. */
  change: Change;
  /** Change per bucket, aligned by position (bucket i against the comparison's bucket i). */
  changes: Change[];
}

export interface TrendResultLine extends TrendLine {
  name: string;
  unit: string;
  compare?: Partial<Record<ComparisonKind, TrendComparison>>;
}

export interface TrendsResult {
  interval: TrendsSpec['interval'];
  buckets: { label: string; start: string }[];
  breakdownValues?: string[];
  series: TrendResultLine[];
  formula?: { expression: string; unit: TrendsSpec['formulaUnit']; lines: TrendResultLine[] };
  definition: ResultDefinition;
}

/** The unit of a series, in words (goes into the result's definition). */
export function seriesUnit(s: TrendSeries): string {
  const window = ACTIVE_WINDOW_DAYS[s.math];
  if (window) return `distinct persons with ${s.event} in the trailing ${window} day(s) ending on each bucket's last day`;
  switch (s.math) {
    case 'total':
      return `${s.event} events`;
    case 'unique_persons':
      return `distinct persons with ${s.event} in the bucket`;
    case 'per_person_avg':
      return `${s.event} events per person who did it in the bucket`;
    default:
      return `${s.math} of ${s.mathProperty} over ${s.event} events that carry it`;
  }
}

/** The bitmap plan for the range when the spec allows it and the bitmaps are the cheaper read. */
async function bitmapPlan(spec: TrendsSpec, ctx: AnalysisContext, engine: Engine, range: ResolvedRange) {
  const plan = activePersonsPlan(spec, ctx, range);
  if (!plan) return null;
  const events = eventList(plan.series.map((i) => spec.series[i]!.event));
  const [probe] = await engine.query<{ states: number; events: number }>(
    bitmapProbe({ projectId: ctx.projectId, events, dimensions: [plan.dimension], from: plan.from, to: range.to, cuts: plan.cuts }),
    ctx.signal ? { signal: ctx.signal } : {},
  );
  return bitmapsPayOff(probe, plan.series.length) ? plan : null;
}

/**
 * Distinct-person series come from the hourly person bitmaps when the spec allows it
 * (compile-active.ts); if those met a person without a number, the events are read instead.
 */
async function fetchLines(
  spec: TrendsSpec,
  ctx: AnalysisContext,
  engine: Engine,
  range: ResolvedRange,
  buckets: Bucket[],
  top: string[] | null,
  planned?: Awaited<ReturnType<typeof bitmapPlan>>,
) {
  const opts = ctx.signal ? { signal: ctx.signal } : {};
  const plan = planned !== undefined ? planned : await bitmapPlan(spec, ctx, engine, range);
  if (plan) {
    const fromBitmaps = await engine.query<TrendRow & { unnumbered: number }>(compileActiveTrends(spec, ctx, range, buckets, top, plan.dimension, plan.series), opts);
    if (!fromBitmaps.some((r) => Number(r.unnumbered))) {
      const rest = spec.series.map((_, i) => i).filter((i) => !plan.series.includes(i));
      const fromEvents = rest.length ? await engine.query<TrendRow>(compileTrends(spec, ctx, range, buckets, top, rest), opts) : [];
      return shapeLines(spec, buckets, [...fromBitmaps, ...fromEvents], top);
    }
  }
  const rows = await engine.query<TrendRow>(compileTrends(spec, ctx, range, buckets, top), opts);
  return shapeLines(spec, buckets, rows, top);
}

function compareLines(current: TrendLine[], previous: TrendLine[], range: ResolvedRange, spec: TrendsSpec, isFormula: boolean): TrendComparison[] {
  const isRate = isFormula && spec.formulaUnit === 'ratio';
  const pct = isFormula && spec.formulaUnit === 'percent';
  const diff = (a: number | null, b: number | null) => {
    const c = change(a, b, isRate);
    return pct ? { ...c, percentagePoints: c.absolute } : c;
  };
  return current.map((line, i) => {
    const prev = previous[i]!;
    const shown = finishValues(prev.values, spec.cumulative, spec.rollingAverage);
    return {
      range: describeRange(range),
      values: shown,
      aggregate: prev.aggregate,
      change: diff(line.aggregate, prev.aggregate),
      changes: line.values.map((v, k) => diff(v, prev.values[k] ?? null)),
    };
  });
}

/** Trends: see docs/analyses.md#trends. */
export const trends: Analysis<TrendsSpec, TrendsResult> = {
  kind: 'trends',
  schema: trendsSchema,
  async run(spec, ctx, engine) {
    const range = resolveRange(spec.dateRange, ctx);
    const buckets = listBuckets(range, spec.interval, ctx);
    const lines = spec.series.length * (spec.breakdown ? spec.breakdown.limit + 1 : 1);
    if (lines * buckets.length > LIMITS.maxResultPoints) {
      throw new FupanError('too_expensive', {
        problem: `${lines} lines × ${buckets.length} buckets`,
        hint: `Use fewer series or breakdown values, or a coarser interval (at most ${LIMITS.maxResultPoints} points) / 请减少序列或分组数，或使用更粗的粒度`,
      });
    }
    const opts = ctx.signal ? { signal: ctx.signal } : {};
    // One probe for the range serves the top values and the series.
    const plan = await bitmapPlan(spec, ctx, engine, range);
    const topQuery = spec.breakdown && plan?.all ? compileActiveTopValues(spec, ctx, range, plan.dimension) : compileTopValues(spec, ctx, range);
    const top = topQuery ? (await engine.query<{ value: string }>(topQuery, opts)).map((r) => r.value) : null;
    const current = await fetchLines(spec, ctx, engine, range, buckets, top, plan);

    const named = (l: TrendLine, isFormula: boolean): TrendResultLine => {
      const i = l.letter.charCodeAt(0) - 65;
      const s = spec.series[i];
      return {
        ...l,
        name: isFormula ? spec.formula! : (s?.name ?? s?.event ?? l.letter),
        unit: isFormula ? spec.formulaUnit : seriesUnit(s!),
        values: finishValues(l.values, spec.cumulative, spec.rollingAverage),
      };
    };
    const series = current.series.map((l) => named(l, false));
    const formulaLines = current.formula.map((l) => named(l, true));
    const comparisons: NonNullable<ResultDefinition['comparison']> = [];
    for (const kind of spec.compare) {
      const prevRange = comparisonRange(range, kind, ctx.timeZone);
      const prev = await fetchLines(spec, ctx, engine, prevRange, listBuckets(prevRange, spec.interval, ctx), top);
      comparisons.push({ kind, from: prevRange.from.toISOString(), to: prevRange.to.toISOString() });
      compareLines(current.series, prev.series, prevRange, spec, false).forEach((c, i) => (series[i]!.compare = { ...series[i]!.compare, [kind]: c }));
      compareLines(current.formula, prev.formula, prevRange, spec, true).forEach((c, i) => (formulaLines[i]!.compare = { ...formulaLines[i]!.compare, [kind]: c }));
    }
    const notes = [
      `buckets are cut in ${ctx.timeZone}; weeks start on ${ctx.weekStart}; a first week or month that begins before the range holds only the in-range days`,
      'aggregate: the sum of buckets for total and sum; the mean of non-empty buckets for every other math; a formula applies to the series aggregates',
    ];
    if (spec.cumulative) notes.push('cumulative: running sum of the bucket values');
    if (spec.rollingAverage) notes.push(`rolling average over ${spec.rollingAverage} buckets, fewer at the start of the range`);
    if (spec.breakdown) notes.push(`breakdown: top ${spec.breakdown.limit} values by event count in the range, the rest as $other; events without the property as $none`);
    return {
      interval: spec.interval,
      buckets: buckets.map((b) => ({ label: b.label, start: b.start.toISOString() })),
      ...(top ? { breakdownValues: [...new Set(current.series.map((l) => l.breakdownValue!))] } : {}),
      series,
      ...(spec.formula ? { formula: { expression: spec.formula, unit: spec.formulaUnit, lines: formulaLines } } : {}),
      definition: {
        unit: spec.formula ? `formula ${spec.formula} (${spec.formulaUnit})` : spec.series.map((s, i) => `${letterOf(i)}: ${seriesUnit(s)}`).join('; '),
        timeZone: ctx.timeZone,
        range: describeRange(range),
        ...(comparisons.length ? { comparison: comparisons } : {}),
        ...(spec.formula ? { formula: spec.formula } : {}),
        notes,
      },
    };
  },
};
