import type { Bilingual } from '../../core/lang.js';

/**
 * The decision rules (docs/experiments.md, "Decision rules"), applied in this order to each
 * non-control variant; the first that matches decides:
 *
 * 1. `srm` → stop: the SRM p-value is below 0.001, the split does not match the weights,
 *    so no metric can be trusted until the assignment is fixed.
 * 2. `guardrail_loss` → stop: a guardrail metric is significantly worse.
 * 3. `goal_loss` → stop: a goal metric is significantly worse.
 * 4. `goal_win` → ship: a goal metric is significantly better (adjusted across goals) —
 *    except for the fixed-horizon frequentist method before the planned sample size or the
 *    end date (`fixed_horizon` → keep running: peeking inflates false positives);
 *    sequential and Bayesian results may be acted on at any time.
 * 5. `not_enough_data` → keep running: a goal metric has fewer than 2 persons in an arm.
 * 6. `no_effect` → no effect: complete (planned sample size reached, or the end date past)
 *    with no significant goal metric.
 * 7. `in_progress` → keep running.
 *
 * "Significant": p (Holm / BH adjusted across goal metrics, unless `adjust: none`) < α for
 * frequentist and sequential results; chance to win ≥ 1 − α (better) or ≤ α (worse) for
 * Bayesian ones. Better means a positive lift, or a negative one for inverse metrics.
 */

export type Verdict = 'better' | 'worse' | 'flat' | 'unknown';
export type Decision = 'ship' | 'keep_running' | 'stop' | 'no_effect';
export type Rule = 'srm' | 'guardrail_loss' | 'goal_loss' | 'goal_win' | 'fixed_horizon' | 'not_enough_data' | 'no_effect' | 'in_progress';

export interface DecisionResult {
  decision: Decision;
  rule: Rule;
  /** The variant the decision is about (the one to ship, or the one that lost). */
  variant: string | null;
  reason: Bilingual;
}

export const SRM_THRESHOLD = 0.001;

export interface Evidence {
  lift: number | null;
  pValue: number | null;
  chanceToWin: number | null;
  adjusted?: { pValue: number } | undefined;
}

/** Whether a variant is significantly better or worse on one metric. */
export function verdictOf(e: Evidence, method: 'frequentist' | 'bayesian' | 'sequential', alpha: number, inverse: boolean): Verdict {
  if (e.lift === null) return 'unknown';
  if (method === 'bayesian') {
    if (e.chanceToWin === null) return 'unknown';
    return e.chanceToWin >= 1 - alpha ? 'better' : e.chanceToWin <= alpha ? 'worse' : 'flat';
  }
  const p = e.adjusted?.pValue ?? e.pValue;
  if (p === null) return 'unknown';
  if (!(p < alpha)) return 'flat';
  return (e.lift > 0) !== inverse ? 'better' : 'worse';
}

export interface ArmEvidence {
  variant: string;
  goals: { name: string; verdict: Verdict; lift: number | null }[];
  guardrails: { name: string; verdict: Verdict; lift: number | null }[];
}

export interface DecideContext {
  method: 'frequentist' | 'bayesian' | 'sequential';
  srmPValue: number | null;
  /** Planned sample size reached, or the end date has passed. */
  complete: boolean;
  progress: number | null;
  difference: 'relative' | 'absolute';
}

const pct = (x: number | null) => (x === null ? '?' : `${(x * 100).toFixed(1)}%`);
/** A lift as text: a percentage for relative lifts, the number (signed) for absolute ones. */
const liftText = (x: number | null, c: DecideContext) =>
  x === null ? '?' : c.difference === 'relative' ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : `${x >= 0 ? '+' : ''}${Number(x.toPrecision(3))}`;

/** The decision for one non-control variant (see the rules above). */
export function decideArm(arm: ArmEvidence, c: DecideContext): DecisionResult {
  const v = arm.variant;
  const at = (d: Decision, rule: Rule, en: string, zh: string): DecisionResult => ({ decision: d, rule, variant: v, reason: { 'en-US': en, 'zh-CN': zh } });
  if (c.srmPValue !== null && c.srmPValue < SRM_THRESHOLD) {
    const p = c.srmPValue.toExponential(1);
    return at('stop', 'srm', `Stop: the traffic split does not match the planned weights (SRM p = ${p} < 0.001); fix the assignment before reading any metric.`,
      `停止：实际分流比例与计划权重不符（SRM p = ${p} < 0.001），请先修复分流再看指标。`);
  }
  const badGuard = arm.guardrails.find((g) => g.verdict === 'worse');
  if (badGuard) {
    return at('stop', 'guardrail_loss', `Stop: guardrail metric “${badGuard.name}” is significantly worse in ${v}.`, `停止：护栏指标「${badGuard.name}」在 ${v} 中显著变差。`);
  }
  const lost = arm.goals.find((g) => g.verdict === 'worse');
  if (lost) {
    return at('stop', 'goal_loss', `Stop: goal metric “${lost.name}” is significantly worse in ${v} (lift ${liftText(lost.lift, c)}); do not ship.`,
      `停止：目标指标「${lost.name}」在 ${v} 中显著变差（变化 ${liftText(lost.lift, c)}），不要上线。`);
  }
  const won = arm.goals.find((g) => g.verdict === 'better');
  if (won && c.method === 'frequentist' && !c.complete) {
    return at('keep_running', 'fixed_horizon',
      `Keep running: “${won.name}” looks significant (lift ${liftText(won.lift, c)}), but a fixed-horizon test may only be read at the planned sample size or the end date (now ${pct(c.progress)} of plan); stopping early inflates false positives.`,
      `继续运行：「${won.name}」看起来显著（提升 ${liftText(won.lift, c)}），但固定样本量检验只能在达到计划样本量或结束日期后解读（当前进度 ${pct(c.progress)}），提前停止会抬高误报率。`);
  }
  if (won) {
    return at('ship', 'goal_win', `Ship ${v}: goal metric “${won.name}” is significantly better (lift ${liftText(won.lift, c)}) and no guardrail or goal got worse.`,
      `上线 ${v}：目标指标「${won.name}」显著提升（${liftText(won.lift, c)}），且没有护栏或目标指标变差。`);
  }
  const missing = arm.goals.find((g) => g.verdict === 'unknown');
  if (missing) {
    return at('keep_running', 'not_enough_data', `Keep running: “${missing.name}” cannot be compared yet (too few persons or no variance).`,
      `继续运行：「${missing.name}」暂时无法比较（人数太少或没有方差）。`);
  }
  if (c.complete) {
    return at('no_effect', 'no_effect', `No effect: the experiment is complete and no goal metric of ${v} differs significantly from control; keep the control (or decide on other grounds).`,
      `无显著效果：实验已完成，${v} 的目标指标与对照组均无显著差异；保留对照方案（或依据其他因素决定）。`);
  }
  return at('keep_running', 'in_progress', `Keep running: no goal metric is significant yet (progress ${pct(c.progress)} of plan).`,
    `继续运行：目标指标尚无显著差异（进度 ${pct(c.progress)}）。`);
}

/**
 * The experiment's decision from its variants': SRM stops everything; otherwise ship the
 * shipping variant with the largest first-goal lift; stop when every variant stops; no
 * effect when every variant has none; else keep running (the first such variant's rule).
 */
export function decideExperiment(arms: readonly ArmEvidence[], decisions: readonly DecisionResult[]): DecisionResult {
  if (decisions.length === 1 || decisions.some((d) => d.rule === 'srm')) return decisions.find((d) => d.rule === 'srm') ?? decisions[0]!;
  const ships = decisions.map((d, i) => ({ d, lift: arms[i]?.goals[0]?.lift ?? -Infinity })).filter((x) => x.d.decision === 'ship');
  if (ships.length) return ships.sort((a, b) => (b.lift ?? -Infinity) - (a.lift ?? -Infinity))[0]!.d;
  if (decisions.every((d) => d.decision === 'stop')) return decisions[0]!;
  if (decisions.every((d) => d.decision === 'no_effect')) return decisions[0]!;
  return decisions.find((d) => d.decision === 'keep_running') ?? decisions[0]!;
}
