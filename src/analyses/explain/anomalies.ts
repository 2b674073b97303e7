import { isFupanError } from '../../core/errors/index.js';
import { createEvaluator, type DateSpan, type MetricsContext, type SegmentValue } from '../metrics/evaluate.js';
import type { Segment } from '../metrics/segment.js';
import { addDays } from '../shared/time-zone.js';
import { ANOMALY_DEFAULTS, type AnomalyOptions, type DailyPoint, detectAnomalies, type ScoredDay } from './anomaly.js';
import { type Finding, projectDimensions } from './findings.js';

export interface MetricAnomalies {
  metric: string;
  span: DateSpan;
  /** The scored days of the whole-project series. */
  overall: ScoredDay[];
  findings: Finding[];
  skipped: { dimension: string; reason: string }[];
  empty?: { reason: 'nothing_flagged'; detail: Record<string, number> };
}

type Opts = Omit<AnomalyOptions, 'from' | 'to'> & { dimensions?: { property: string; type?: 'event' | 'person' }[] };

/** A daily series from `YYYY-MM-DD|value` segments: value, and volume = denominator for ratios, else the value. */
function series(rows: Map<string, SegmentValue>, want: string): DailyPoint[] {
  const out: DailyPoint[] = [];
  for (const [k, v] of rows) {
    const bar = k.indexOf('|');
    if (k.slice(bar + 1) !== want || v.value === null) continue;
    out.push({ date: k.slice(0, bar), value: v.value, volume: v.denominator ?? Math.abs(v.value) });
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : 1));
}

/**
 * What `detectMetricAnomalies` reads: the daily series over the span and its history, for
 * the whole project (first) and by each dimension. For a caller that batches the reads of
 * one metric across spans (`prefetchAcross`: a report reads its rates for the period, the
 * previous one and these days in one pass).
 */
export async function anomalyRead(ctx: MetricsContext, projectId: string, span: DateSpan, options: Opts = {}): Promise<{ span: DateSpan; segments: Segment[] }> {
  const o = { ...ANOMALY_DEFAULTS, ...options };
  const history: DateSpan = { fromDate: addDays(span.fromDate, -(o.window + o.weeks * 7)), toDate: span.toDate };
  const dims = await projectDimensions(await createEvaluator(ctx, projectId, history), options.dimensions);
  return { span: history, segments: [{ property: '', type: 'event', byDay: true }, ...dims.map((d) => ({ ...d, byDay: true }))] };
}

/**
 * Anomalies of a metric in a span: the daily series of the whole project and of every
 * dimension value, weekday seasonality removed, robust z on the residuals, minimum volume
 * (see anomaly.ts). History: `weeks` weeks plus the residual window before the span.
 */
export async function detectMetricAnomalies(ctx: MetricsContext, projectId: string, key: string, span: DateSpan, options: Opts = {}): Promise<MetricAnomalies> {
  const o = { ...ANOMALY_DEFAULTS, ...options };
  const read = await anomalyRead(ctx, projectId, span, options);
  const ev = await createEvaluator(ctx, projectId, read.span);
  // A ratio metric's points carry their denominator as volume (see series()).
  const ratio = ev.metric(key).isRate || ev.metric(key).definition.kind === 'funnel';
  const detect = (points: DailyPoint[]) => detectAnomalies(points, { ...o, ratio, from: span.fromDate, to: ev.counted.toDate < span.toDate ? ev.counted.toDate : span.toDate });
  const dims = read.segments.slice(1);
  const daily = read.segments[0]!;
  await ev.prefetch(key, read.segments);
  const overall = detect(series(await ev.values(key, daily), ''));
  const findings: Finding[] = [];
  const skipped: MetricAnomalies['skipped'] = [];
  const method = { name: 'weekday_median_robust_z', reference: 'METRICS.md: same-weekday median, 0.6745·|x − median| / MAD', params: { weeks: o.weeks, window: o.window, threshold: o.threshold, minVolume: o.minVolume } };
  const finding = (d: ScoredDay, dimension?: string, segment?: string): Finding => ({
    kind: 'anomaly',
    metric: key,
    ...(dimension ? { dimension, segment } : {}),
    numbers: { value: d.value, expected: d.expected, residual: d.residual, z: d.z, volume: d.volume, expectedVolume: d.expectedVolume },
    basis: { kind: 'same_weekday_median', current: { fromDate: d.date, toDate: d.date } },
    method,
    reproduce: { call: 'detectMetricAnomalies', args: { projectId, metric: key, span, ...(dimension ? { dimension } : {}) }, queries: [...ev.queries] },
  });
  for (const d of overall) if (d.flagged) findings.push(finding(d));
  for (const dim of dims) {
    let rows: Map<string, SegmentValue>;
    try {
      rows = await ev.values(key, { property: dim.property, type: dim.type, byDay: true });
    } catch (e) {
      if (isFupanError(e) && e.code === 'metric_unavailable') {
        skipped.push({ dimension: dim.property, reason: e.messageIn('en-US') });
        continue;
      }
      throw e;
    }
    const values = new Set([...rows.keys()].map((k) => k.slice(k.indexOf('|') + 1)));
    for (const v of values) for (const d of detect(series(rows, v))) if (d.flagged) findings.push(finding(d, dim.property, v));
  }
  findings.sort((a, b) => Math.abs(b.numbers.z ?? 0) - Math.abs(a.numbers.z ?? 0));
  return { metric: key, span, overall, findings, skipped, ...(findings.length ? {} : { empty: { reason: 'nothing_flagged' as const, detail: { threshold: o.threshold, minVolume: o.minVolume } } }) };
}
