import { isFupanError } from '../../core/errors/index.js';
import { bh } from '../../stats/adjust.js';
import { twoProportionTest } from '../../stats/compare.js';
import { createEvaluator, type DateSpan, type MetricsContext, type SegmentValue } from '../metrics/evaluate.js';
import { type Finding, projectDimensions } from './findings.js';

export interface ShiftOptions {
  dimensions?: { property: string; type?: 'event' | 'person' }[];
  /** False-discovery rate over every segment tested (Benjamini–Hochberg), default 0.05. */
  alpha?: number;
  /** Smallest denominator (e.g. persons entering the step) in both periods, default 30. */
  minVolume?: number;
  /** Smallest change worth reporting, in percentage points, default 2. */
  minPercentagePoints?: number;
}

export interface ShiftResult {
  metric: string;
  tested: number;
  findings: Finding[];
  empty?: { reason: 'not_a_rate' | 'nothing_significant'; detail: Record<string, number> };
}

/**
 * Segment shifts of a rate: a channel (version, region…) whose own conversion moved
 * significantly while the total barely did — the case a total-level test misses, e.g.
 * one channel's landing page breaking. Every segment with enough volume in both periods
 * gets a two-proportion z-test; p-values are adjusted with Benjamini–Hochberg within each
 * dimension (each dimension is its own question: "which channel?", "which region?"), so
 * testing many segments does not manufacture findings, while a dimension with dozens of
 * small campaigns does not drown a clear channel signal.
 *
 * @example await segmentShifts(ctx, 'demo', 'signup_conversion', lastWeek, weekBefore)
 */
export async function segmentShifts(ctx: MetricsContext, projectId: string, key: string, current: DateSpan, comparison: DateSpan, options: ShiftOptions = {}): Promise<ShiftResult> {
  const alpha = options.alpha ?? 0.05;
  const minVolume = options.minVolume ?? 30;
  const minPp = options.minPercentagePoints ?? 2;
  const evNow = await createEvaluator(ctx, projectId, current);
  const evThen = await createEvaluator(ctx, projectId, comparison);
  if (!evNow.metric(key).isRate) return { metric: key, tested: 0, findings: [], empty: { reason: 'not_a_rate', detail: {} } };
  const tests: { dimension: string; segment: string; before: SegmentValue; after: SegmentValue; p: number }[] = [];
  const dims = await projectDimensions(evNow, options.dimensions);
  await evThen.prefetch(key, dims);
  await evNow.prefetch(key, dims);
  for (const d of dims) {
    let before: Map<string, SegmentValue>;
    let after: Map<string, SegmentValue>;
    try {
      before = await evThen.values(key, d);
      after = await evNow.values(key, d);
    } catch (e) {
      if (isFupanError(e) && e.code === 'metric_unavailable') continue;
      throw e;
    }
    for (const [segment, a] of after) {
      const b = before.get(segment);
      if (!b || segment === '' || a.numerator === null || a.denominator === null || b.numerator === null || b.denominator === null) continue;
      if (a.denominator < minVolume || b.denominator < minVolume) continue;
      const t = twoProportionTest(a.numerator, a.denominator, b.numerator, b.denominator, alpha);
      if (t) tests.push({ dimension: d.property, segment, before: b, after: a, p: t.pValue });
    }
  }
  const adjusted = adjustWithinDimensions(tests);
  const findings: Finding[] = [];
  tests.forEach((t, i) => {
    const r0 = t.before.numerator! / t.before.denominator!;
    const r1 = t.after.numerator! / t.after.denominator!;
    if (adjusted[i]! >= alpha || Math.abs(r1 - r0) * 100 < minPp) return;
    findings.push({
      kind: 'segment_shift',
      metric: key,
      dimension: t.dimension,
      segment: t.segment,
      numbers: { r0, r1, delta: r1 - r0, n0: t.before.denominator, n1: t.after.denominator, pValue: t.p, adjustedP: adjusted[i]! },
      basis: { kind: 'previous_period', current, comparison },
      method: { name: 'segment_shift', reference: 'two-proportion z-test per segment, Benjamini–Hochberg within each dimension', params: { alpha, minVolume, minPercentagePoints: minPp } },
      reproduce: { call: 'segmentShifts', args: { projectId, metric: key, current, comparison, dimension: t.dimension }, queries: [...evThen.queries, ...evNow.queries] },
    });
  });
  findings.sort((a, b) => (a.numbers.adjustedP ?? 1) - (b.numbers.adjustedP ?? 1));
  return { metric: key, tested: tests.length, findings, ...(findings.length ? {} : { empty: { reason: 'nothing_significant' as const, detail: { tested: tests.length, alpha } } }) };
}

/**
 * Which segment made a day anomalous? For a rate, each segment of each dimension is
 * compared with the rest of the same day (two-proportion z-test, BH across segments);
 * the strongest significant outlier per dimension is returned, largest effect on the
 * total first. A version that broke a step shows as that version far below the others.
 *
 * @example await segmentOutliers(ctx, 'demo', 'call_rate', '2025-07-09')
 */
export async function segmentOutliers(ctx: MetricsContext, projectId: string, key: string, day: string, options: ShiftOptions = {}): Promise<Finding[]> {
  const alpha = options.alpha ?? 0.05;
  const minVolume = options.minVolume ?? 30;
  const span = { fromDate: day, toDate: day };
  const ev = await createEvaluator(ctx, projectId, span);
  if (!ev.metric(key).isRate) return [];
  const tests: { dimension: string; segment: string; x: number; n: number; xr: number; nr: number; p: number; weight: number }[] = [];
  const dims = await projectDimensions(ev, options.dimensions);
  await ev.prefetch(key, dims);
  for (const d of dims) {
    let rows: Map<string, SegmentValue>;
    try {
      rows = await ev.values(key, d);
    } catch (e) {
      if (isFupanError(e) && e.code === 'metric_unavailable') continue;
      throw e;
    }
    const all = [...rows.entries()].filter(([, v]) => v.numerator !== null && v.denominator !== null);
    const X = all.reduce((s, [, v]) => s + v.numerator!, 0);
    const N = all.reduce((s, [, v]) => s + v.denominator!, 0);
    for (const [segment, v] of all) {
      const x = v.numerator!;
      const n = v.denominator!;
      if (segment === '' || n < minVolume || N - n < minVolume) continue;
      const t = twoProportionTest(x, n, X - x, N - n, alpha);
      // Effect on the total: how far the total would move if this segment converted like the rest.
      if (t) tests.push({ dimension: d.property, segment, x, n, xr: X - x, nr: N - n, p: t.pValue, weight: Math.abs(x / n - (X - x) / (N - n)) * (n / N) });
    }
  }
  const adjusted = adjustWithinDimensions(tests);
  const best = new Map<string, Finding & { weight: number }>();
  tests.forEach((t, i) => {
    if (adjusted[i]! >= alpha) return;
    const current = best.get(t.dimension);
    if (current && current.weight >= t.weight) return;
    best.set(t.dimension, {
      weight: t.weight,
      kind: 'segment_outlier',
      metric: key,
      dimension: t.dimension,
      segment: t.segment,
      numbers: { r1: t.x / t.n, rRest: t.xr / t.nr, n1: t.n, nRest: t.nr, pValue: t.p, adjustedP: adjusted[i]!, effectOnTotal: t.weight },
      basis: { kind: 'rest_of_segments', current: span },
      method: { name: 'segment_outlier', reference: 'two-proportion z-test of a segment against the rest of the day, Benjamini–Hochberg within each dimension', params: { alpha, minVolume } },
      reproduce: { call: 'segmentOutliers', args: { projectId, metric: key, day, dimension: t.dimension }, queries: [...ev.queries] },
    });
  });
  return [...best.values()].sort((a, b) => b.weight - a.weight).map(({ weight: _w, ...f }) => f);
}

/** Benjamini–Hochberg within each dimension's family of tests, in input order. */
function adjustWithinDimensions(tests: readonly { dimension: string; p: number }[]): number[] {
  const out = new Array<number>(tests.length);
  const families = new Map<string, number[]>();
  tests.forEach((t, i) => families.set(t.dimension, [...(families.get(t.dimension) ?? []), i]));
  for (const idx of families.values()) {
    const adj = bh(idx.map((i) => tests[i]!.p));
    idx.forEach((i, k) => (out[i] = adj[k]!));
  }
  return out;
}
