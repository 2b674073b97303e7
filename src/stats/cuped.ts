/**
 * CUPED / regression adjustment (Deng, Xu, Kohavi & Walker, WSDM 2013): subtract θ times the
 * pre-period covariate, with θ = Cov(Y, X) / Var(X). θ is pooled over the two arms being
 * compared, as gbstats does, so the adjustment is the same linear function in both arms and
 * cannot itself create a difference.
 */
import { type ArmStats, type Column, armGradient, armModel, columnVariance, quadForm } from './moments.js';

type Cuped = Extract<ArmStats, { kind: 'cuped' }>;
type CupedRatio = Extract<ArmStats, { kind: 'cupedRatio' }>;

function pooled(a: Column, b: Column): Column {
  return { sum: a.sum + b.sum, sumSquares: a.sumSquares + b.sumSquares, binary: a.binary && b.binary };
}

/**
 * θ for a mean or proportion metric, from the arms' pooled sums. Returns 0 (no adjustment)
 * when either period has no variance.
 * @example cupedTheta(armA, armB) // 0.01864 for gbstats' compute_theta fixture
 */
export function cupedTheta(a: Cuped, b: Cuped): number {
  const n = a.n + b.n;
  const pre = pooled(a.pre, b.pre);
  const post = pooled(a.post, b.post);
  const varPre = columnVariance(pre, n);
  const varPost = columnVariance(post, n);
  if (!(varPre > 0) || !(varPost > 0)) return 0;
  const sp = a.sumProducts + b.sumProducts;
  const cov = (sp - (post.sum * pre.sum) / n) / (n - 1);
  return cov / varPre;
}

/**
 * θ for a ratio metric: the regression of the linearised post-period ratio on the
 * linearised pre-period ratio, summed over both arms' per-unit (co)variances.
 */
export function cupedRatioTheta(a: CupedRatio, b: CupedRatio): number {
  let cov = 0;
  let varPre = 0;
  for (const arm of [a, b]) {
    const m = armModel(arm);
    // With θ = 1 the last two gradient entries are minus the gradient of the pre ratio.
    const g = armGradient('cupedRatio', m.beta, 1);
    const post = [g[0] as number, g[1] as number, 0, 0];
    const pre = [0, 0, -(g[2] as number), -(g[3] as number)];
    cov += quadForm(post, m.lambda, pre);
    varPre += quadForm(pre, m.lambda);
  }
  if (!(varPre > 0) || !Number.isFinite(cov)) return 0;
  const theta = cov / varPre;
  // gbstats treats a vanishing θ as "no usable pre-period" and falls back to the plain ratio.
  return Math.abs(theta) < 1e-8 ? 0 : theta;
}
