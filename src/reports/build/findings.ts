import { detectMetricAnomalies } from '../../analyses/explain/anomalies.js';
import { explainChange, type Finding } from '../../analyses/explain/findings.js';
import type { ReportData } from '../data.js';
import { findingText, type MetricLabel } from '../findings-text.js';
import type { BuildContext } from './context.js';

/** Metrics checked for anomalies on every report (counts with daily volume). */
const ANOMALY_METRICS = ['new_persons', 'orders', 'paid_signups'];
const MAX_EXPLAINED = 6;

/**
 * 分析原因: for every key metric whose 环比 change is significant (or, where no test
 * applies, above the explainer's threshold) and every goal that is behind or at risk,
 * explain the change across the project's dimensions; then flag anomalies of the period.
 * When nothing qualifies, the findings stay empty and the report says so.
 */
export async function findingsStage(ctx: BuildContext, data: ReportData): Promise<void> {
  const deps = { engine: ctx.engine, meta: ctx.meta, now: ctx.now };
  const labels = new Map<string, MetricLabel>(data.metrics.map((m) => [m.key, { name: m.name, format: m.format, isRate: m.isRate }]));
  const gapKeys = data.goals.filter((g) => g.status === 'behind' || g.status === 'at_risk').map((g) => g.metricKey);
  // Significant changes; where no test applies (formula metrics such as AOV), headline
  // metrics only; and every goal gap.
  const changed = data.metrics.filter((m) => m.value !== null && m.previous !== null && (m.significant === true || (m.significant === null && m.headline)));
  const candidates = [...new Set([...changed.map((m) => m.key), ...gapKeys])].slice(0, MAX_EXPLAINED);
  const dimensions = ctx.settings.dimensions?.map((property) => ({ property })) ;
  const found: Finding[] = [];
  const current = { fromDate: ctx.period.fromDate, toDate: ctx.period.toDate };
  const previous = { fromDate: ctx.previous.fromDate, toDate: ctx.previous.toDate };
  for (const key of candidates) {
    const explanation = await explainChange(deps, ctx.analysis.projectId, key, current, previous, {
      ...(dimensions ? { dimensions: [...defaultDims(), ...dimensions] } : {}),
    });
    found.push(...explanation.findings.slice(0, 3));
  }
  for (const key of ctx.settings.anomalyMetrics ?? ANOMALY_METRICS) {
    if (!labels.has(key)) continue;
    const anomalies = await detectMetricAnomalies(deps, ctx.analysis.projectId, key, current);
    found.push(...anomalies.findings.slice(0, 3));
  }
  data.findings = found.map((f) => findingText(f, labels.get(f.metric) ?? { name: { 'zh-CN': f.metric, 'en-US': f.metric }, format: 'number', isRate: false }));
  if (!data.findings.length) {
    data.findingsNote = {
      'zh-CN': '本期关键指标没有统计上显著的变化、没有目标缺口需要解释，也没有检测到异常。',
      'en-US': 'No key metric changed significantly, no goal gap needs explaining, and no anomaly was detected this period.',
    };
  }
}

function defaultDims() {
  return ['channel', 'campaign', 'region', 'device_type', 'app_version'].map((property) => ({ property }));
}
