import { evaluateMetric, type MetricResult } from '../analyses/metrics/api.js';
import type { MetricsContext } from '../analyses/metrics/evaluate.js';
import { loadProjectInfo } from '../analyses/metrics/project.js';
import { elapsedShare, parsePeriod, type Period, previousPeriod } from '../analyses/shared/period.js';
import { localDate, startOfLocalDay } from '../analyses/shared/time-zone.js';
import type { CompiledQuery } from '../sql/types.js';
import { assessGoal, type GoalAssessment } from './attainment.js';
import { type Goal, listGoals } from './store.js';

export interface GoalStatusReport {
  goal: Goal;
  period: Period;
  metric: MetricResult['metric'];
  formula: MetricResult['formula'];
  /** The actual over the period's complete days. */
  actual: MetricResult;
  baseline: { value: number | null; source: 'set' | 'previous_period'; period?: Period };
  assessment: GoalAssessment;
  /** The queries that reproduce the actual (and the baseline when computed). */
  queries: CompiledQuery[];
}

/**
 * A goal's actual, 达成率, 时间进度, forecast, status with its rule and grade. The actual
 * counts complete days (through yesterday in the project's time zone), and 时间进度 is
 * measured at the same instant, so a run-rate forecast never mixes a partial day in.
 */
export async function goalStatus(ctx: MetricsContext, goal: Goal): Promise<GoalStatusReport> {
  const period = parsePeriod(goal.period);
  const dimension = goal.dimension ? { dimension: goal.dimension } : {};
  const actual = await evaluateMetric(ctx, goal.projectId, goal.metric, period, dimension);
  let baseline: GoalStatusReport['baseline'] = { value: goal.baseline, source: 'set' };
  const queries = [...actual.queries];
  if (goal.baseline === null) {
    const prev = previousPeriod(period);
    const b = await evaluateMetric(ctx, goal.projectId, goal.metric, prev, dimension);
    baseline = { value: b.value, source: 'previous_period', period: prev };
    queries.push(...b.queries);
  }
  const project = await loadProjectInfo(ctx.meta, goal.projectId);
  const now = ctx.now ?? new Date();
  const asOf = startOfLocalDay(localDate(now, project.timeZone), project.timeZone);
  const elapsed = elapsedShare(period, asOf, project.timeZone);
  const assessment = assessGoal({
    direction: actual.metric.direction,
    cumulative: actual.metric.cumulative,
    actual: actual.value,
    target: goal.target,
    baseline: baseline.value,
    elapsed,
  });
  return { goal, period, metric: actual.metric, formula: actual.formula, actual, baseline, assessment, queries };
}

/** Every goal of a project (or those overlapping `period`) with its status. */
export async function goalsStatus(ctx: MetricsContext, projectId: string, options: { period?: string } = {}): Promise<GoalStatusReport[]> {
  const goals = await listGoals(ctx.meta, projectId, options);
  const out: GoalStatusReport[] = [];
  for (const g of goals) out.push(await goalStatus(ctx, g));
  return out;
}
