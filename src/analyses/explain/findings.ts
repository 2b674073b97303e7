import { FupanError, isFupanError } from '../../core/errors/index.js';
import type { CompiledQuery } from '../../sql/types.js';
import { createEvaluator, type DateSpan, type MetricEvaluator, type MetricsContext, type SegmentValue } from '../metrics/evaluate.js';
import { type Segment } from '../metrics/segment.js';
import { change, type Change } from '../shared/comparison.js';
import { adtributor, type AdtributorElement, type AdtributorResult, T_EEP, T_EP } from './adtributor.js';
import { additiveContributions, mixRate, type Contribution, type MixRate } from './decompose.js';

/** Dimensions every project is explained across; projects add their own in settings.dimensions. */
export const DEFAULT_DIMENSIONS = ['channel', 'campaign', 'region', 'device_type', 'app_version'] as const;
const OTHER = '$other';

/** One computed fact; the report turns it into a sentence (no prose here). */
export interface Finding {
  kind: 'adtributor' | 'contribution' | 'mix_rate' | 'anomaly' | 'segment_shift' | 'segment_outlier';
  metric: string;
  dimension?: string;
  segment?: string;
  /** The numbers the sentence may use, by name. */
  numbers: Record<string, number | null>;
  basis: { kind: 'previous_period' | 'comparison_period' | 'same_weekday_median' | 'rest_of_segments'; current: DateSpan; comparison?: DateSpan };
  method: { name: string; reference: string; params?: Record<string, number> };
  /** How to reproduce: the function and arguments, and the SQL it ran. */
  reproduce: { call: string; args: Record<string, unknown>; queries: CompiledQuery[] };
}

export interface DimensionBreakdown {
  dimension: string;
  contributions?: { before: number; after: number; delta: number; items: Contribution[] };
  mixRate?: MixRate;
}

export interface Explanation {
  metric: string;
  shape: 'additive' | 'ratio';
  current: SegmentValue;
  comparison: SegmentValue;
  change: Change;
  spans: { current: DateSpan; comparison: DateSpan };
  dimensions: DimensionBreakdown[];
  skipped: { dimension: string; reason: string }[];
  adtributor: AdtributorResult | null;
  findings: Finding[];
  /** Set when there is nothing to report, with the reason. */
  empty?: { reason: 'no_data' | 'no_change' | 'change_below_threshold' | 'no_dimension_explains'; detail: Record<string, number | null> };
}

export interface ExplainOptions {
  dimensions?: { property: string; type?: 'event' | 'person' }[];
  /** Smallest relative change worth explaining for non-rates (default 5%). */
  minRelativeChange?: number;
  /** Smallest change in percentage points for rates (default 1 pp). */
  minPercentagePoints?: number;
  /** Values per dimension kept by name; the rest are merged into `$other` (default 30). */
  maxSegments?: number;
  /** Dimensions reported as findings (default 3, the paper's choice). */
  topDimensions?: number;
  basisKind?: 'previous_period' | 'comparison_period';
}

export async function projectDimensions(ev: MetricEvaluator, given?: ExplainOptions['dimensions']): Promise<Segment[]> {
  if (given) return given.map((d) => ({ property: d.property, type: d.type ?? 'event' }));
  const extra = ev.project.dimensions.filter((d) => !(DEFAULT_DIMENSIONS as readonly string[]).includes(d.property));
  return [...DEFAULT_DIMENSIONS.map((property) => ({ property, type: 'event' as const })), ...extra];
}

/** Keeps the `max` values with the largest movement and merges the rest into `$other`. */
function capSegments(before: Map<string, SegmentValue>, after: Map<string, SegmentValue>, max: number): [string, SegmentValue, SegmentValue][] {
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  const zero: SegmentValue = { value: 0, numerator: 0, denominator: 0 };
  const rows = keys.map((k) => [k, before.get(k) ?? zero, after.get(k) ?? zero] as [string, SegmentValue, SegmentValue]);
  const size = (r: [string, SegmentValue, SegmentValue]) => Math.abs((r[2].denominator ?? r[2].value ?? 0) - (r[1].denominator ?? r[1].value ?? 0)) + Math.abs((r[2].numerator ?? 0) - (r[1].numerator ?? 0));
  rows.sort((a, b) => size(b) - size(a) || (a[0] < b[0] ? -1 : 1));
  if (rows.length <= max) return rows;
  const add = (xs: SegmentValue[]): SegmentValue => ({
    value: xs.reduce((s, x) => s + (x.value ?? 0), 0),
    numerator: xs.reduce((s, x) => s + (x.numerator ?? 0), 0),
    denominator: xs.reduce((s, x) => s + (x.denominator ?? 0), 0),
  });
  const rest = rows.slice(max);
  return [...rows.slice(0, max), [OTHER, add(rest.map((r) => r[1])), add(rest.map((r) => r[2]))]];
}

/**
 * Explains the change of a metric from `comparison` to `current` across dimensions:
 * contributions (additive metrics) or mix / rate / interaction (ratio metrics) per
 * dimension, and an Adtributor ranking of the dimensions; findings for the top ones.
 */
export async function explainChange(ctx: MetricsContext, projectId: string, key: string, current: DateSpan, comparison: DateSpan, options: ExplainOptions = {}): Promise<Explanation> {
  const evNow = await createEvaluator(ctx, projectId, current);
  const evThen = await createEvaluator(ctx, projectId, comparison);
  const metric = evNow.metric(key);
  const [now, then] = [await evNow.total(key), await evThen.total(key)];
  const shape: Explanation['shape'] = now.numerator !== null && now.denominator !== null ? 'ratio' : 'additive';
  const ch = change(now.value, then.value, metric.isRate);
  const spans = { current: { fromDate: current.fromDate, toDate: current.toDate }, comparison: { fromDate: comparison.fromDate, toDate: comparison.toDate } };
  const base = { metric: key, shape, current: now, comparison: then, change: ch, spans, dimensions: [] as DimensionBreakdown[], skipped: [] as Explanation['skipped'], adtributor: null, findings: [] as Finding[] };
  const queries = () => [...evThen.queries, ...evNow.queries];
  const detail = { current: now.value, comparison: then.value, absolute: ch.absolute, relative: ch.relative, percentagePoints: ch.percentagePoints };
  if (now.value === null || then.value === null) return { ...base, empty: { reason: 'no_data', detail } };
  if (ch.absolute === 0) return { ...base, empty: { reason: 'no_change', detail } };
  const minRel = options.minRelativeChange ?? 0.05;
  const minPp = options.minPercentagePoints ?? 1;
  const small = metric.isRate ? Math.abs(ch.percentagePoints ?? 0) < minPp : ch.relative !== null && Math.abs(ch.relative) < minRel;
  if (small) return { ...base, empty: { reason: 'change_below_threshold', detail: { ...detail, minRelativeChange: minRel, minPercentagePoints: minPp } } };

  const dims = await projectDimensions(evNow, options.dimensions);
  await evThen.prefetch(key, dims);
  await evNow.prefetch(key, dims);
  const adtInput: { dimension: string; elements: AdtributorElement[] }[] = [];
  for (const d of dims) {
    let before: Map<string, SegmentValue>;
    let after: Map<string, SegmentValue>;
    try {
      before = await evThen.values(key, d);
      after = await evNow.values(key, d);
    } catch (e) {
      if (isFupanError(e) && e.code === 'metric_unavailable') {
        base.skipped.push({ dimension: d.property, reason: e.messageIn('en-US') });
        continue;
      }
      throw e;
    }
    const rows = capSegments(before, after, options.maxSegments ?? 30);
    if (rows.length < 2) {
      base.skipped.push({ dimension: d.property, reason: 'fewer than two values' });
      continue;
    }
    if (shape === 'ratio') {
      const items = rows.map(([segment, b, a]) => ({ segment, num0: b.numerator ?? 0, den0: b.denominator ?? 0, num1: a.numerator ?? 0, den1: a.denominator ?? 0 }));
      base.dimensions.push({ dimension: d.property, mixRate: mixRate(items) });
      adtInput.push({ dimension: d.property, elements: items.map((x) => ({ value: x.segment, forecast: 0, actual: 0, parts: { num0: x.num0, den0: x.den0, num1: x.num1, den1: x.den1 } })) });
    } else {
      const items = rows.map(([segment, b, a]) => ({ segment, before: b.value ?? 0, after: a.value ?? 0 }));
      base.dimensions.push({ dimension: d.property, contributions: additiveContributions(items) });
      adtInput.push({ dimension: d.property, elements: items.map((x) => ({ value: x.segment, forecast: x.before, actual: x.after })) });
    }
  }
  const adt = adtributor(adtInput);
  const basis = { kind: options.basisKind ?? ('previous_period' as const), ...spans };
  const reproduce = (dimension?: string) => ({ call: 'explainChange', args: { projectId, metric: key, current: spans.current, comparison: spans.comparison, ...(dimension ? { dimension } : {}) }, queries: queries() });
  const findings: Finding[] = [];
  for (const d of adt.ranked.slice(0, options.topDimensions ?? 3)) {
    findings.push({
      kind: 'adtributor',
      metric: key,
      dimension: d.dimension,
      numbers: { surprise: d.surprise, explanatoryPower: d.explanatoryPower, forecast: adt.forecast, actual: adt.actual, elements: d.chosen.length },
      basis,
      method: { name: 'adtributor', reference: 'Bhagwan et al., NSDI 2014', params: { T_EEP, T_EP } },
      reproduce: reproduce(d.dimension),
    });
    const breakdown = base.dimensions.find((x) => x.dimension === d.dimension)!;
    for (const el of d.chosen) {
      if (breakdown.mixRate) {
        const it = breakdown.mixRate.items.find((x) => x.segment === el.value)!;
        findings.push({
          kind: 'mix_rate',
          metric: key,
          dimension: d.dimension,
          segment: el.value,
          numbers: { ep: el.ep, surprise: el.surprise, w0: it.w0, w1: it.w1, r0: it.r0, r1: it.r1, mix: it.mix, rate: it.rate, interaction: it.interaction, total: it.total, delta: breakdown.mixRate.delta, mixTotal: breakdown.mixRate.mix, rateTotal: breakdown.mixRate.rate, interactionTotal: breakdown.mixRate.interaction },
          basis,
          method: { name: 'mix_rate', reference: 'METRICS.md: ΔR = Σ Δwᵢ·rᵢ⁰ + Σ wᵢ⁰·Δrᵢ + Σ Δwᵢ·Δrᵢ' },
          reproduce: reproduce(d.dimension),
        });
      } else {
        const it = breakdown.contributions!.items.find((x) => x.segment === el.value)!;
        findings.push({
          kind: 'contribution',
          metric: key,
          dimension: d.dimension,
          segment: el.value,
          numbers: { ep: el.ep, surprise: el.surprise, before: it.before, after: it.after, delta: it.delta, share: it.share, totalBefore: breakdown.contributions!.before, totalAfter: breakdown.contributions!.after, totalDelta: breakdown.contributions!.delta },
          basis,
          method: { name: 'additive_contribution', reference: 'METRICS.md: contribution = Δyᵢ / ΔY' },
          reproduce: reproduce(d.dimension),
        });
      }
    }
  }
  const out: Explanation = { ...base, adtributor: adt, findings };
  if (!findings.length) out.empty = { reason: 'no_dimension_explains', detail: { ...detail, T_EEP, T_EP } };
  return out;
}

export function assertSpan(span: DateSpan): void {
  if (!(span.fromDate <= span.toDate)) throw new FupanError('invalid_input', { path: 'span', problem: 'fromDate must not be after toDate' });
}
