import { goalsStatus } from '../../goals/status.js';
import type { ReportData } from '../data.js';
import type { BuildContext } from './context.js';
import { reportFormat } from './metrics.js';

/** 回顾目标: every goal whose period overlaps the report's, assessed with its rule. */
export async function goalsStage(ctx: BuildContext, data: ReportData): Promise<void> {
  const statuses = await goalsStatus(ctx.metrics, ctx.analysis.projectId, { period: ctx.period.label });
  data.goals = statuses.map((s) => ({
    id: s.goal.id,
    metricKey: s.goal.metric,
    metricName: s.metric.name,
    period: s.goal.period,
    dimension: s.goal.dimension ? { property: s.goal.dimension.property, value: s.goal.dimension.value } : null,
    format: reportFormat(s.metric),
    owner: s.goal.owner || null,
    baseline: s.assessment.baseline,
    target: s.assessment.target,
    actual: s.assessment.actual,
    attainment: s.assessment.attainment,
    timeProgress: s.assessment.timeProgress,
    forecast: s.assessment.forecast,
    status: s.assessment.status ?? 'no_data',
    statusRule: { 'zh-CN': s.assessment.rule['zh-CN'], 'en-US': s.assessment.rule['en-US'] },
    grade: s.assessment.grade,
  }));
}
