/**
 * analyzeExperiment: the engine behind `fupan experiment analyze` and
 * `POST /api/stats/experiment`. Input and output are the public JSON contract of issue 4.
 * The first arm is the control; each other arm is compared with it.
 */
import { FupanError, parseInput } from '../core/index.js';
import { adjustPValues, adjustedInterval } from './adjust.js';
import { toArmStats } from './arms.js';
import { bayesianTest } from './bayesian.js';
import { cupedRatioTheta, cupedTheta } from './cuped.js';
import { type EffectProblem, type EffectResult, effectOf } from './effect.js';
import { type Interval, tTest } from './frequentist.js';
import { type ArmStats, armModel, armValue } from './moments.js';
import { type StratumPair, postStratifiedEffect } from './poststrat.js';
import { type ExperimentInput, experimentInputSchema, metricHeaderSchema } from './schema.js';
import { sequentialTest } from './sequential.js';
import { srmPValue } from './srm.js';

export interface ArmResult {
  name: string;
  lift: number | null;
  ci: Interval;
  se: number | null;
  pValue: number | null;
  chanceToWin: number | null;
  risk: [number, number] | null;
  /** Extras (never renaming the fields above). */
  method: ExperimentInput['method'];
  difference: ExperimentInput['difference'];
  n: number;
  value: number | null;
  df?: number;
  cupedTheta?: number;
  postStratified?: boolean;
  adjusted?: { method: 'holm' | 'bh'; pValue: number; ci: Interval };
  error?: { code: EffectProblem; message: string };
}

export interface ExperimentResult {
  metric: ExperimentInput['metric'];
  method: ExperimentInput['method'];
  difference: ExperimentInput['difference'];
  alpha: number;
  sided: ExperimentInput['sided'];
  control: { name: string; n: number; value: number | null };
  arms: ArmResult[];
  srm: { pValue: number };
}

const PROBLEMS: Record<EffectProblem, string> = {
  baseline_zero: 'the control value is 0, so a relative lift is undefined; use "difference": "absolute"',
  zero_denominator: 'a ratio denominator averages 0 in one arm',
  zero_variance: 'the difference has no variance (constant data), so no interval or test is possible',
};

function thetaFor(a: ArmStats, b: ArmStats): number {
  if (a.kind === 'cuped' && b.kind === 'cuped') return cupedTheta(a, b);
  if (a.kind === 'cupedRatio' && b.kind === 'cupedRatio') return cupedRatioTheta(a, b);
  return 0;
}

function effectFor(input: ExperimentInput, stats: ArmStats[], strata: ArmStats[][] | null, i: number, theta: number): EffectResult {
  const control = stats[0] as ArmStats;
  const arm = stats[i] as ArmStats;
  if (!strata) return effectOf(armModel(control), armModel(arm), input.difference, theta);
  const cells = strata.map((s) => [s[0], s[i]] as StratumPair);
  return postStratifiedEffect(cells, input.difference);
}

function valueOf(s: ArmStats): number | null {
  const m = armModel(s);
  const v = armValue(m.functional, m.beta, 0);
  return Number.isFinite(v) ? v : null;
}

function strataStats(input: ExperimentInput, stats: ArmStats[]): ArmStats[][] | null {
  if (!input.strata?.length) return null;
  const kind = stats[0]?.kind;
  if (kind !== 'mean' && kind !== 'proportion' && kind !== 'ratio') {
    throw new FupanError('invalid_input', {
      path: 'strata',
      problem: 'post-stratification supports mean, proportion and ratio metrics without CUPED',
    });
  }
  return input.strata.map((s, k) => toArmStats(input.metric.type, s.arms, `strata.${k}.arms`));
}

/**
 * @example analyzeExperiment({ metric: { type: 'proportion' }, arms: [{ name: 'control', n: 1000, successes: 100 }, { name: 'b', n: 1000, successes: 130 }] })
 */
export function analyzeExperiment(raw: unknown): ExperimentResult {
  const { metric } = parseInput(metricHeaderSchema, raw);
  const input = parseInput(experimentInputSchema(metric.type), raw) as ExperimentInput;
  const stats = toArmStats(metric.type, input.arms, 'arms');
  const strata = strataStats(input, stats);
  const control = input.arms[0] as ExperimentInput['arms'][number];

  const arms: ArmResult[] = input.arms.slice(1).map((a, k) => {
    const i = k + 1;
    const theta = strata ? 0 : thetaFor(stats[0] as ArmStats, stats[i] as ArmStats);
    const base = {
      name: a.name,
      method: input.method,
      difference: input.difference,
      n: a.n,
      value: valueOf(stats[i] as ArmStats),
      ...(theta !== 0 ? { cupedTheta: theta } : {}),
      ...(strata ? { postStratified: true } : {}),
    };
    const r = effectFor(input, stats, strata, i, theta);
    if (!r.ok) {
      return { ...base, lift: null, ci: [null, null], se: null, pValue: null, chanceToWin: null, risk: null, error: { code: r.problem, message: PROBLEMS[r.problem] } };
    }
    const e = r.effect;
    if (input.method === 'bayesian') {
      const b = bayesianTest(e, input.prior, input.alpha, input.metric.inverse, input.difference);
      return { ...base, lift: b.mean, ci: b.ci, se: b.sd, pValue: null, chanceToWin: b.chanceToWin, risk: b.risk };
    }
    if (input.method === 'sequential') {
      const s = sequentialTest(e, input.alpha, input.sequentialTuning, input.sided);
      return { ...base, lift: e.estimate, ci: s.ci, se: e.se, pValue: s.pValue, chanceToWin: null, risk: null };
    }
    const t = tTest(e, input.alpha, input.sided);
    return { ...base, lift: e.estimate, ci: t.ci, se: e.se, pValue: t.pValue, chanceToWin: null, risk: null, df: t.df };
  });

  if (input.adjust) addAdjusted(arms, input.adjust, input.alpha, input.sided);

  const weights = input.arms.every((a) => a.weight !== undefined) ? input.arms.map((a) => a.weight as number) : undefined;
  return {
    metric: input.metric,
    method: input.method,
    difference: input.difference,
    alpha: input.alpha,
    sided: input.sided,
    control: { name: control.name, n: control.n, value: valueOf(stats[0] as ArmStats) },
    arms,
    srm: { pValue: srmPValue(input.arms.map((a) => a.n), weights) },
  };
}

/** Adjusts the arms' p-values as one family (frequentist and sequential results only). */
function addAdjusted(arms: ArmResult[], method: 'holm' | 'bh', alpha: number, sided: ExperimentInput['sided']): void {
  const tested = arms.filter((a) => a.pValue !== null && a.lift !== null);
  const adjusted = adjustPValues(method, tested.map((a) => a.pValue as number));
  tested.forEach((a, i) => {
    const p = adjusted[i] as number;
    a.adjusted = { method, pValue: p, ci: adjustedInterval(a.lift as number, p, alpha, sided) };
  });
}
