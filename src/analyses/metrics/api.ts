import type { CompiledQuery } from '../../sql/types.js';
import { type DateSpan, type MetricsContext, type SegmentValue, createEvaluator } from './evaluate.js';
import { describeMetric } from './describe.js';
import type { Metric } from './schema.js';
import { NO_VALUE, type Segment } from './segment.js';

export interface MetricResult extends SegmentValue {
  key: string;
  metric: Metric;
  /** The formula in words (zh / en), shown with the number. */
  formula: { 'zh-CN': string; 'en-US': string };
  span: DateSpan;
  /** The span actually counted (complete days up to yesterday) and whether it is the whole span. */
  counted: DateSpan & { complete: boolean };
  dimension?: { property: string; value: string };
  /** NPS: standard error and 95% interval (METRICS.md). */
  interval?: { se: number; low: number; high: number; level: 0.95 };
  /** The queries that reproduce the number. */
  queries: CompiledQuery[];
}

/** NPS standard error: 100 × √((p + d − (p − d)²) / n). */
export function npsInterval(n: number, promoters: number, detractors: number): MetricResult['interval'] | undefined {
  if (n <= 0) return undefined;
  const p = promoters / n;
  const d = detractors / n;
  const nps = 100 * (p - d);
  const se = 100 * Math.sqrt(Math.max(0, p + d - (p - d) ** 2) / n);
  return { se, low: nps - 1.96 * se, high: nps + 1.96 * se, level: 0.95 };
}

/**
 * One metric of a project's dictionary over a span (calendar dates in the project's time
 * zone), optionally for one dimension value.
 *
 * @example await evaluateMetric(ctx, 'shop', 'gmv', parsePeriod('2025-07'), { dimension: { property: 'channel', value: 'douyin' } })
 */
export async function evaluateMetric(
  ctx: MetricsContext,
  projectId: string,
  key: string,
  span: DateSpan,
  options: { dimension?: { property: string; value: string; type?: 'event' | 'person' } } = {},
): Promise<MetricResult> {
  const ev = await createEvaluator(ctx, projectId, span);
  const metric = ev.metric(key);
  const seg: Segment | undefined = options.dimension ? { property: options.dimension.property, value: options.dimension.value, type: options.dimension.type ?? 'event' } : undefined;
  const v = await ev.total(key, seg);
  const interval = v.nps ? npsInterval(v.nps.n, v.nps.promoters, v.nps.detractors) : undefined;
  return {
    key,
    metric,
    formula: describeMetric(metric),
    span: { fromDate: span.fromDate, toDate: span.toDate },
    counted: ev.counted,
    ...v,
    ...(options.dimension ? { dimension: { property: options.dimension.property, value: options.dimension.value } } : {}),
    ...(interval ? { interval } : {}),
    queries: ev.queries,
  };
}

/**
 * One metric per value of a dimension (plus the total, which is not always the sum:
 * a person active on two channels counts once in the total).
 */
export async function evaluateMetricBy(
  ctx: MetricsContext,
  projectId: string,
  key: string,
  span: DateSpan,
  dimension: { property: string; type?: 'event' | 'person' },
): Promise<{ key: string; total: SegmentValue; segments: ({ segment: string } & SegmentValue)[]; queries: CompiledQuery[] }> {
  const ev = await createEvaluator(ctx, projectId, span);
  const total = await ev.total(key);
  const rows = await ev.values(key, { property: dimension.property, type: dimension.type ?? 'event' });
  const segments = [...rows].map(([segment, v]) => ({ segment, ...v })).sort((a, b) => (a.segment === NO_VALUE ? 1 : b.segment === NO_VALUE ? -1 : a.segment < b.segment ? -1 : 1));
  return { key, total, segments, queries: ev.queries };
}
