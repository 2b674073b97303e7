import { detectMetricAnomalies } from '../../analyses/explain/anomalies.js';
import { explainChange, type Finding } from '../../analyses/explain/findings.js';
import { segmentOutliers, segmentShifts } from '../../analyses/explain/shifts.js';
import { prefetchAcross } from '../../analyses/metrics/evaluate.js';
import { addDays } from '../../analyses/shared/time-zone.js';
import type { ReportData } from '../data.js';
import { findingText, type MetricLabel } from '../findings-text.js';
import { type BuildContext, DEFAULT_ANOMALY_METRICS, periodDimensions, reportDimensions } from './context.js';

const MAX_EXPLAINED = 6;

/**
 * 分析原因, in three passes, each saying only what its test shows:
 * 1. every key metric whose 环比 change is significant, and every goal behind or at risk,
 *    is explained across the project's dimensions (contributions / mix-vs-rate, ranked by
 *    Adtributor);
 * 2. every rate is checked for segment shifts (a channel or version whose own rate moved
 *    significantly, BH-corrected) — the case a total-level test misses;
 * 3. anomalies of the period (weekday-adjusted robust z); each flagged day is explained
 *    against the same weekday a week earlier, which names the version or channel.
 * When nothing qualifies the findings stay empty and the report says so.
 */
export async function findingsStage(ctx: BuildContext, data: ReportData): Promise<void> {
  const deps = ctx.metrics;
  const labels = new Map<string, MetricLabel>(data.metrics.map((m) => [m.key, { name: m.name, format: m.format, isRate: m.isRate }]));
  const dimensions = reportDimensions(ctx.settings);
  const periodDims = periodDimensions(ctx.settings);
  const current = { fromDate: ctx.period.fromDate, toDate: ctx.period.toDate };
  const previous = { fromDate: ctx.previous.fromDate, toDate: ctx.previous.toDate };
  const found: Finding[] = [];

  const gapKeys = data.goals.filter((g) => g.status === 'behind' || g.status === 'at_risk').map((g) => g.metricKey);
  const changed = data.metrics.filter((m) => m.significant === true).map((m) => m.key);
  // Explanations of goal gaps whose change is not itself significant come last: the
  // summary shows the first findings, and tested changes, shifts and anomalies say more.
  const gapOnly: Finding[] = [];
  for (const key of [...new Set([...changed, ...gapKeys])].slice(0, MAX_EXPLAINED)) {
    if (!labels.has(key)) continue;
    const explanation = await explainChange(deps, ctx.analysis.projectId, key, current, previous, { dimensions: periodDims });
    (changed.includes(key) ? found : gapOnly).push(...explanation.findings.slice(0, 3));
  }

  for (const m of data.metrics.filter((x) => x.isRate)) {
    const shifts = await segmentShifts(deps, ctx.analysis.projectId, m.key, current, previous, { dimensions: periodDims });
    found.push(...shifts.findings.slice(0, 3));
  }

  for (const key of ctx.settings.anomalyMetrics ?? DEFAULT_ANOMALY_METRICS) {
    if (!labels.has(key)) continue;
    const anomalies = await detectMetricAnomalies(deps, ctx.analysis.projectId, key, current, { dimensions });
    // A day flagged for the whole project is echoed by many segments; name it once and
    // let the outlier test say which segment did it.
    const projectDays = new Set(anomalies.findings.filter((a) => !a.dimension).map((a) => a.basis.current.fromDate));
    const kept = anomalies.findings.filter((a) => !a.dimension || !projectDays.has(a.basis.current.fromDate));
    if (labels.get(key)!.isRate) {
      // The outlier tests below read each flagged day by dimension: in one pass for all of them.
      const days = kept.slice(0, 3).filter((a) => !a.dimension).map((a) => a.basis.current.fromDate);
      await prefetchAcross(deps, ctx.analysis.projectId, key, days.map((day) => ({ span: { fromDate: day, toDate: day }, segments: dimensions })));
    }
    for (const a of kept.slice(0, 3)) {
      found.push(a);
      if (a.dimension) continue;
      // The whole project's day is off: which segment did it? For a rate, the segment far
      // from the rest of that day; for a count, the contribution against a week earlier.
      const day = a.basis.current.fromDate;
      if (labels.get(key)!.isRate) {
        found.push(...(await segmentOutliers(deps, ctx.analysis.projectId, key, day, { dimensions })).slice(0, 1));
      } else {
        const week = addDays(day, -7);
        const why = await explainChange(deps, ctx.analysis.projectId, key, { fromDate: day, toDate: day }, { fromDate: week, toDate: week }, {
          dimensions,
          minRelativeChange: 0,
          topDimensions: 1,
          basisKind: 'comparison_period',
        });
        found.push(...why.findings.filter((f) => f.kind === 'contribution').slice(0, 1));
      }
    }
  }

  found.push(...gapOnly);
  data.findings = dedupe(found).map((f) => findingText(f, labels.get(f.metric) ?? { name: { 'zh-CN': f.metric, 'en-US': f.metric }, format: 'number', isRate: false }));
  if (!data.findings.length) {
    data.findingsNote = {
      'zh-CN': '本期关键指标没有统计上显著的变化、没有目标缺口需要解释，也没有检测到异常。',
      'en-US': 'No key metric changed significantly, no goal gap needs explaining, and no anomaly was detected this period.',
    };
  }
}

/** The same segment can be named by two passes; keep the first (strongest) mention. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.kind}|${f.metric}|${f.dimension ?? ''}|${f.segment ?? ''}|${f.basis.current.fromDate}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
