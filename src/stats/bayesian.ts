/**
 * Bayesian analysis on the lift, as gbstats' effect model: the estimated effect is
 * Normal(δ, SE²); the prior is Normal(μ₀, σ₀²) on the relative lift (rescaled by the control
 * mean for absolute differences), or flat. The posterior is Normal with precision
 * 1/SE² + 1/σ₀² and a precision-weighted mean.
 *
 * Chance to win = P(δ > 0 | data), or P(δ < 0) when lower is better. Risk (expected loss)
 * of shipping each arm: choosing control loses E[max(δ, 0)], choosing treatment loses
 * E[max(−δ, 0)] (swapped for inverse metrics). Both come from the truncated-normal mean in
 * closed form, σ·G(±μ/σ) with G(z) = φ(z) + zΦ(z), evaluated without cancellation in the
 * far tail.
 */
import { normalCdf, normalPdf, normalSf, normalUpperQuantile } from './dists.js';
import type { Effect } from './effect.js';
import type { Interval } from './frequentist.js';

export interface Prior {
  proper: boolean;
  mean: number;
  variance: number;
}

export interface BayesianResult {
  mean: number;
  sd: number;
  ci: Interval;
  chanceToWin: number;
  risk: [number, number];
}

/**
 * G(z) = E[max(Z + z, 0)] for standard normal Z = φ(z) + zΦ(z). For z ≪ 0 both terms are
 * almost equal, so use G(z) = φ(z)·c/(x + c) with x = −z and c the tail of Laplace's continued
 * fraction for the Mills ratio, 1/(x + 1/(x + 2/(x + 3/(x + …)))).
 */
export function expectedPositivePart(z: number): number {
  if (z > -5) return normalPdf(z) + z * normalCdf(z);
  const x = -z;
  let c = 0;
  for (let k = 60; k >= 2; k--) c = k / (x + c);
  c = 1 / (x + c);
  return (normalPdf(z) * c) / (x + c);
}

/**
 * @example bayesianTest(effect, { proper: false, mean: 0, variance: 0.09 }, 0.05, false, 'relative')
 */
export function bayesianTest(
  e: Effect,
  prior: Prior,
  alpha: number,
  inverse: boolean,
  difference: 'absolute' | 'relative',
): BayesianResult {
  // The prior is on the relative lift; for absolute differences scale it by the control mean.
  const base = Math.abs(e.controlBaseline);
  const priorMean = difference === 'relative' ? prior.mean : prior.mean * base;
  const priorVar = difference === 'relative' ? prior.variance : prior.variance * base * base;
  const dataVar = e.se * e.se;
  const usePrior = prior.proper && priorVar > 0;
  const precision = 1 / dataVar + (usePrior ? 1 / priorVar : 0);
  const mean = usePrior ? (e.estimate / dataVar + priorMean / priorVar) / precision : e.estimate;
  const sd = Math.sqrt(1 / precision);

  const w = normalUpperQuantile(alpha / 2) * sd;
  const z = mean / sd;
  // P(δ > 0) = Φ(μ/σ), taken as an upper tail so values near 1 and near 0 are both exact.
  const pUp = normalSf(-z);
  const pDown = normalSf(z);
  const lossIfControl = sd * expectedPositivePart(z);
  const lossIfTreatment = sd * expectedPositivePart(-z);
  return {
    mean,
    sd,
    ci: [mean - w, mean + w],
    chanceToWin: inverse ? pDown : pUp,
    risk: inverse ? [lossIfTreatment, lossIfControl] : [lossIfControl, lossIfTreatment],
  };
}
