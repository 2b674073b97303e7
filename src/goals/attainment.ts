import type { Bilingual } from '../core/lang.js';

/**
 * Goal attainment, pure. Definitions (METRICS.md, docs/metrics.md):
 * - 达成率 = actual / target when higher is better; target / actual when lower is better.
 * - 时间进度 = elapsed share of the period (complete days / days), for cumulative metrics.
 * - Forecast to the period's end: run rate (actual / 时间进度) for cumulative metrics; the
 *   current value for rates and averages.
 * - Status, first rule that matches:
 *   over:  achieved when the actual meets the target, else behind;
 *   running, cumulative & higher is better: achieved once the actual meets the target;
 *   running: on_track when the forecast meets the target (for cumulative metrics: 达成率 ≥
 *   时间进度); at_risk when the forecast reaches at least 90% of it; else behind.
 * - Grade 0–1 (OKR): share of the way from baseline to target reached by the actual (period
 *   over) or the forecast (running), clamped; 达成率 when there is no usable baseline.
 *   green ≥ 0.7, yellow ≥ 0.4, red below.
 */
export type GoalStatus = 'achieved' | 'on_track' | 'at_risk' | 'behind';
export type Direction = 'higher_is_better' | 'lower_is_better';

export interface GoalInput {
  direction: Direction;
  cumulative: boolean;
  actual: number | null;
  target: number;
  baseline: number | null;
  /** 时间进度 0–1 (1 when the period is over). */
  elapsed: number;
  /** Band under the target still called at risk rather than behind (default 0.9). */
  atRiskBand?: number;
}

export interface GoalAssessment {
  actual: number | null;
  target: number;
  baseline: number | null;
  attainment: number | null;
  attainmentFormula: Bilingual;
  /** 时间进度, reported for cumulative metrics only. */
  timeProgress: number | null;
  forecast: number | null;
  forecastMethod: 'run_rate' | 'current_value';
  forecastAttainment: number | null;
  status: GoalStatus | null;
  rule: { code: string } & Bilingual;
  grade: number | null;
  gradeColor: 'green' | 'yellow' | 'red' | null;
  gradeBasis: 'actual' | 'forecast';
}

/** 达成率, direction-aware; null when undefined (target or actual 0 where it divides). */
export function attainmentOf(direction: Direction, actual: number | null, target: number): number | null {
  if (actual === null) return null;
  if (direction === 'higher_is_better') return target === 0 ? null : actual / target;
  return actual === 0 ? null : target / actual;
}

function meets(direction: Direction, value: number, target: number): boolean {
  return direction === 'higher_is_better' ? value >= target : value <= target;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function gradeColor(g: number | null): GoalAssessment['gradeColor'] {
  if (g === null) return null;
  return g >= 0.7 ? 'green' : g >= 0.4 ? 'yellow' : 'red';
}

/** Grade from baseline to target, clamped to 0–1; falls back to 达成率 without a usable baseline. */
export function gradeOf(direction: Direction, value: number | null, target: number, baseline: number | null): number | null {
  if (value === null) return null;
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  if (baseline !== null && baseline !== target && meets(direction, target, baseline)) return clamp((value - baseline) / (target - baseline));
  const a = attainmentOf(direction, value, target);
  return a === null ? null : clamp(a);
}

export function assessGoal(g: GoalInput): GoalAssessment {
  const band = g.atRiskBand ?? 0.9;
  const over = g.elapsed >= 1;
  const attainment = attainmentOf(g.direction, g.actual, g.target);
  const runRate = g.cumulative;
  const forecast = g.actual === null ? null : runRate ? (g.elapsed > 0 ? g.actual / g.elapsed : null) : g.actual;
  const forecastAttainment = attainmentOf(g.direction, forecast, g.target);
  const attainmentFormula: Bilingual =
    g.direction === 'higher_is_better'
      ? { 'zh-CN': '达成率 = 实际值 ÷ 目标值（越高越好）', 'en-US': 'attainment = actual / target (higher is better)' }
      : { 'zh-CN': '达成率 = 目标值 ÷ 实际值（越低越好）', 'en-US': 'attainment = target / actual (lower is better)' };
  const base = {
    actual: g.actual,
    target: g.target,
    baseline: g.baseline,
    attainment,
    attainmentFormula,
    timeProgress: g.cumulative ? g.elapsed : null,
    forecast,
    forecastMethod: runRate ? ('run_rate' as const) : ('current_value' as const),
    forecastAttainment,
  };
  const gradeBasis = over ? ('actual' as const) : ('forecast' as const);
  const grade = gradeOf(g.direction, over ? g.actual : forecast, g.target, g.baseline);
  const done = (status: GoalStatus | null, code: string, zh: string, en: string): GoalAssessment => ({
    ...base,
    status,
    rule: { code, 'zh-CN': zh, 'en-US': en },
    grade,
    gradeColor: gradeColor(grade),
    gradeBasis,
  });

  if (g.actual === null) return done(null, 'no_data', '本期没有可计算的实际值', 'no actual value for the period');
  if (over) {
    return meets(g.direction, g.actual, g.target)
      ? done('achieved', 'over_met', `周期已结束，实际值达到目标（达成率 ${pct(attainment ?? 1)}）`, `the period is over and the actual meets the target (attainment ${pct(attainment ?? 1)})`)
      : done('behind', 'over_missed', `周期已结束，实际值未达到目标（达成率 ${pct(attainment ?? 0)}）`, `the period is over and the actual misses the target (attainment ${pct(attainment ?? 0)})`);
  }
  if (g.cumulative && g.direction === 'higher_is_better' && g.actual >= g.target) {
    return done('achieved', 'running_met', `累计值已达到目标（达成率 ${pct(attainment!)}）`, `the running total already meets the target (attainment ${pct(attainment!)})`);
  }
  if (g.elapsed <= 0 || forecast === null || forecastAttainment === null) {
    return done(null, 'not_started', '周期尚未开始或没有完整的一天', 'the period has not started or has no complete day yet');
  }
  const fa = forecastAttainment;
  const cmp = g.cumulative
    ? {
        zh: `达成率 ${pct(attainment ?? 0)}，时间进度 ${pct(g.elapsed)}，按当前速度期末预计 ${pct(fa)}`,
        en: `attainment ${pct(attainment ?? 0)} against time elapsed ${pct(g.elapsed)}; at the current run rate ${pct(fa)} by the end`,
      }
    : { zh: `当前值的达成率 ${pct(fa)}`, en: `the current value is at ${pct(fa)} of the target` };
  if (fa >= 1) return done('on_track', g.cumulative ? 'run_rate_meets' : 'current_meets', `${cmp.zh}，可达成目标`, `${cmp.en}: on track`);
  if (fa >= band)
    return done('at_risk', g.cumulative ? 'run_rate_near' : 'current_near', `${cmp.zh}，差距在 ${pct(1 - band)} 以内`, `${cmp.en}: within ${pct(1 - band)} of the target`);
  return done('behind', g.cumulative ? 'run_rate_short' : 'current_short', `${cmp.zh}，差距超过 ${pct(1 - band)}`, `${cmp.en}: more than ${pct(1 - band)} short`);
}
