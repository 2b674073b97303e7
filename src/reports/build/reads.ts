import { anomalyRead } from '../../analyses/explain/anomalies.js';
import { type DateSpan, prefetchAcross, TOTAL } from '../../analyses/metrics/evaluate.js';
import type { Metric } from '../../analyses/metrics/schema.js';
import type { Segment } from '../../analyses/metrics/segment.js';
import { parsePeriod, previousPeriod } from '../../analyses/shared/period.js';
import { listGoals } from '../../goals/store.js';
import { listItems, previousPublished } from '../store.js';
import { type BuildContext, changeIsTested, DEFAULT_ANOMALY_METRICS, periodDimensions, reportDimensions } from './context.js';

type Read = { span: DateSpan; segments: Segment[] };

/**
 * The metric reads the report's stages will make, read up front, one pass per metric where
 * its atoms allow (`prefetchAcross`): a two-step funnel is then read once for every span the
 * report asks of it, instead of once per span and stage. The reads, by stage:
 * - results, 分析原因's explanations and its shifts: every metric of the results table whose
 *   change is tested (rates, counted totals: `changeIsTested`), and every goal's metric,
 *   over the period and the previous one, in total and by the period dimensions. The
 *   findings explain those whose change tests significant or whose goal is off track; at
 *   the 100 M demo's volumes nearly every count's change is significant, and reading the
 *   dimensions with the total costs about what the total alone does (new persons over a
 *   quarter: 0.22–0.28 s by four dimensions with the total against 0.26–0.37 s for the
 *   total alone), so the second read of each explained metric is saved. Metrics whose
 *   change is not tested (averages, formulas, NPS) are read by dimension only when a goal
 *   names them: by dimension they cost more (CAC's new payers 0.65 s against 0.33 s);
 * - anomalies: the configured metrics day by day over the period and its history;
 * - 回顾目标: each goal's metric over the goal's period, and the period before when the
 *   goal has no baseline;
 * - 上期跟进: each action's metric over the previous published report's period and this one.
 * Later stages then find their numbers in the shared evaluators (BuildContext.metrics).
 */
export async function prefetchReportReads(ctx: BuildContext, dictionary: Map<string, Metric>, wanted: readonly string[]): Promise<void> {
  const projectId = ctx.analysis.projectId;
  const reads = new Map<string, Read[]>();
  const add = (key: string, span: DateSpan, segments: Segment[]) => {
    if (!dictionary.has(key)) return;
    reads.set(key, [...(reads.get(key) ?? []), { span: { fromDate: span.fromDate, toDate: span.toDate }, segments }]);
  };
  const byDimension = [TOTAL, ...periodDimensions(ctx.settings)];
  const goals = await listGoals(ctx.meta, projectId, { period: ctx.period.label });
  const goalMetrics = new Set(goals.map((g) => g.metric));
  for (const key of wanted.filter((k) => changeIsTested(dictionary.get(k)!) || goalMetrics.has(k))) {
    add(key, ctx.period, byDimension);
    add(key, ctx.previous, byDimension);
  }
  for (const key of ctx.settings.anomalyMetrics ?? DEFAULT_ANOMALY_METRICS) {
    if (!dictionary.has(key)) continue;
    const read = await anomalyRead(ctx.metrics, projectId, ctx.period, { dimensions: reportDimensions(ctx.settings) });
    add(key, read.span, read.segments);
  }
  for (const goal of goals) {
    if (goal.dimension) continue;
    const period = parsePeriod(goal.period);
    add(goal.metric, period, [TOTAL]);
    if (goal.baseline === null) add(goal.metric, previousPeriod(period), [TOTAL]);
  }
  const published = await previousPublished(ctx.meta, projectId, ctx.period.fromDate);
  for (const item of published ? await listItems(ctx.meta, published.id) : []) {
    const key = item.kind === 'action' ? (item.data as { metricKey?: string | null }).metricKey : null;
    if (!key || !published) continue;
    add(key, published, [TOTAL]);
    add(key, ctx.period, [TOTAL]);
  }
  // Rates first: a count a rate is built on (active persons in paying conversion) is then
  // read with the rate's segments.
  const order = [...reads.keys()].sort((a, b) => Number(!!dictionary.get(b)?.isRate) - Number(!!dictionary.get(a)?.isRate));
  for (const key of order) await prefetchAcross(ctx.metrics, projectId, key, reads.get(key)!);
}
