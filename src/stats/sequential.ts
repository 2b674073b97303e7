/**
 * Asymptotic confidence sequences (Waudby-Smith, Arnold, Wu, Howard, Ramdas & Ryan,
 * "Time-uniform central limit theory and asymptotic confidence sequences", arXiv 2103.06476),
 * the sequential method gbstats uses. An interval stays valid however often it is peeked at.
 *
 * With n = n_A + n_B, s² = n·SE² and tuning N* (the sample size the boundary is tightest at):
 *   ρ² = (−2 ln α + ln(−2 ln α + 1)) / N*            (α → 2α for one-sided sequences)
 *   two-sided half-width  = s·√(2(nρ² + 1)/(n²ρ²) · ln(√(nρ² + 1)/α))
 *   one-sided half-width  = s·√(2(nρ² + 1)/(n²ρ²) · ln(1 + √(nρ² + 1)/(2α)))
 *
 * P-values are the smallest α whose sequence excludes 0, holding ρ at the planned α as gbstats
 * does. Both have closed forms: the two-sided one is the paper's eq. (155); the one-sided one
 * solves ln(1 + √(nρ²+1)/(2α)) = K exactly, where gbstats bisects (and clamps at 0.4999).
 */
import type { Effect } from './effect.js';
import type { Interval, Sided } from './frequentist.js';

export interface SequentialResult {
  ci: Interval;
  pValue: number;
}

/** @example sequentialRho(0.05, 5000) // 0.03984 */
export function sequentialRho(alpha: number, tuning: number, twoSided = true): number {
  const a = twoSided ? alpha : 2 * alpha;
  const l = -2 * Math.log(a);
  return Math.sqrt((l + Math.log(l + 1)) / tuning);
}

/**
 * Half-width of the confidence sequence for an estimate with standard error `se` after `n`
 * units in total.
 * @example sequentialHalfWidth(0.1, 6000, 0.05, 5000, 'two')
 */
export function sequentialHalfWidth(se: number, n: number, alpha: number, tuning: number, sided: Sided): number {
  const twoSided = sided === 'two';
  const rho = sequentialRho(alpha, tuning, twoSided);
  const r2 = n * rho * rho;
  const log = twoSided ? Math.log(Math.sqrt(r2 + 1) / alpha) : Math.log1p(Math.sqrt(r2 + 1) / (2 * alpha));
  return se * Math.sqrt(n) * Math.sqrt((2 * (r2 + 1) * log) / (r2 * n));
}

/**
 * The exponent K with which the sequences' p-values are written: ρ²·n·z² / (2(nρ² + 1)),
 * z = estimate / SE.
 */
function exponent(z: number, n: number, rho: number): number {
  const r2 = n * rho * rho;
  return (r2 * z * z) / (2 * (r2 + 1));
}

/**
 * @example sequentialTest(effect, 0.05, 5000, 'two') // { ci: [lo, hi], pValue }
 */
export function sequentialTest(e: Effect, alpha: number, tuning: number, sided: Sided): SequentialResult {
  const n = e.nControl + e.nTreatment;
  const w = sequentialHalfWidth(e.se, n, alpha, tuning, sided);
  const z = e.estimate / e.se;
  const rho = sequentialRho(alpha, tuning, sided === 'two');
  const r2 = n * rho * rho;
  if (sided === 'two') {
    // p = √(nρ² + 1)·e^(−K), evaluated in logs so the product cannot overflow first.
    const logP = 0.5 * Math.log1p(r2) - exponent(z, n, rho);
    return { ci: [e.estimate - w, e.estimate + w], pValue: Math.min(1, Math.exp(logP)) };
  }
  // The bound crosses 0 at the α with ln(1 + √(nρ²+1)/(2α)) = K, i.e. α = √(nρ²+1)/(2(e^K − 1)).
  // Evidence in the wrong direction never crosses it: p = 1.
  const towards = sided === 'greater' ? z : -z;
  const pValue = towards <= 0 ? 1 : Math.min(1, Math.sqrt(r2 + 1) / (2 * Math.expm1(exponent(z, n, rho))));
  const ci: Interval = sided === 'greater' ? [e.estimate - w, null] : [null, e.estimate + w];
  return { ci, pValue };
}
