/**
 * Power and minimum detectable effect for planning, for the relative lift of a mean or a
 * proportion, per arm n = nTotal / variations, two-sided — GrowthBook's planning model:
 *
 * - frequentist: SE² = σ²(1 + (1 + δ)²) / (μ² n)  (delta method, same σ² in both arms);
 *   power = P(Z > z* − δ/SE) + P(Z < −z* − δ/SE);
 * - sequential: the confidence-sequence half-width expressed as an equivalent SE,
 *   SE²_seq = SE²·N·D(N)/z*², N = 2n, D(N) = 2(Nρ² + 1)·ln(√(Nρ² + 1)/α)/(Nρ)²;
 * - Bayesian: the probability that the credible interval excludes 0 when the true lift is
 *   δ, under the analysis prior N(μ₀, σ₀²) on the relative lift.
 *
 * The MDE is the smallest δ ≥ 0 whose power reaches the target, found by bracketing and
 * bisection on the full power curve (GrowthBook drops the far tail in closed form for the
 * frequentist MDE and grid-searches the Bayesian one).
 */
import { normalCdf, normalSf, normalUpperQuantile } from './dists.js';
import type { Prior } from './bayesian.js';
import { sequentialRho } from './sequential.js';

export interface PowerPlan {
  mean: number;
  variance: number;
  nTotal: number;
  variations: number;
  alpha: number;
  method: 'frequentist' | 'sequential' | 'bayesian';
  sequentialTuning?: number;
  prior?: Prior;
}

function relativeVariance(p: PowerPlan, lift: number): number {
  const n = p.nTotal / p.variations;
  return (p.variance * (1 + (1 + lift) ** 2)) / (p.mean * p.mean * n);
}

/** SE²_seq / SE² = N·D(N)/z*² = 2(Nρ² + 1)·ln(√(Nρ² + 1)/α) / (Nρ²·z*²). */
function sequentialFactor(p: PowerPlan): number {
  const n = (2 * p.nTotal) / p.variations;
  const rho = sequentialRho(p.alpha, p.sequentialTuning ?? 5000);
  const r2 = n * rho * rho;
  const z = normalUpperQuantile(p.alpha / 2);
  return (2 * (r2 + 1) * Math.log(Math.sqrt(r2 + 1) / p.alpha)) / (r2 * z * z);
}

/**
 * Power to detect a true relative lift `lift`.
 * @example powerAt({ mean: 10, variance: 3910, nTotal: 400000, variations: 3, alpha: 0.05, method: 'frequentist' }, 0.05) // 0.52144
 */
export function powerAt(p: PowerPlan, lift: number): number {
  const z = normalUpperQuantile(p.alpha / 2);
  let v = relativeVariance(p, lift);
  if (p.method === 'sequential') v *= sequentialFactor(p);
  if (p.method !== 'bayesian') {
    const d = lift / Math.sqrt(v);
    return normalSf(z - d) + normalCdf(-z - d);
  }
  const prior = p.prior ?? { proper: false, mean: 0, variance: 1 };
  const proper = prior.proper && prior.variance > 0;
  const precision = 1 / v + (proper ? 1 / prior.variance : 0);
  const shift = proper ? (v * prior.mean) / prior.variance : 0;
  const sd = Math.sqrt(v);
  const upper = (v * Math.sqrt(precision) * z - shift - lift) / sd;
  const lower = (-v * Math.sqrt(precision) * z - shift - lift) / sd;
  return normalSf(upper) + normalCdf(lower);
}

/**
 * Smallest relative lift with power ≥ target, or null when none up to +100000% exists.
 * @example minimumDetectableEffect(plan, 0.8) // 0.07027 for the example above
 */
export function minimumDetectableEffect(p: PowerPlan, target: number): number | null {
  if (powerAt(p, 0) >= target) return 0;
  let lo = 0;
  let hi = 1e-4;
  while (powerAt(p, hi) < target) {
    lo = hi;
    hi *= 2;
    if (hi > 1e3) return null;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (powerAt(p, mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}
