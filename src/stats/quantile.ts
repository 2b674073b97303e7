/**
 * Order-statistic confidence intervals for a quantile: the ν-quantile's interval is
 * [X₍ₗ₎, X₍ᵤ₎] with ranks from the Binomial(n, ν) count of observations below the true
 * quantile (Conover, Practical Nonparametric Statistics, §3.2). Whoever computes quantile
 * metrics from events reads those two order statistics and passes them to the engine as
 * `lower` / `upper` (the engine's quantile variance assumes a 95% interval).
 */
import { binomialCdf, normalUpperQuantile } from './dists.js';

/**
 * 1-based ranks (l, u) with P(X₍ₗ₎ ≤ q_ν ≤ X₍ᵤ₎) ≥ 1 − α, the tightest such equal-tailed pair.
 * @example quantileRanks(100, 0.5, 0.05) // { lower: 40, upper: 61 }
 */
export function quantileRanks(n: number, nu: number, alpha = 0.05): { lower: number; upper: number } {
  // Start from the normal approximation and walk to the exact binomial boundary.
  const z = normalUpperQuantile(alpha / 2);
  const sd = Math.sqrt(n * nu * (1 - nu));
  // lower: the largest l with P(B ≤ l − 1) ≤ α/2, B ~ Bin(n, ν).
  let l = Math.max(1, Math.floor(n * nu - z * sd));
  while (l > 1 && binomialCdf(l - 1, n, nu) > alpha / 2) l--;
  while (l < n && binomialCdf(l, n, nu) <= alpha / 2) l++;
  // upper: the smallest u with P(B ≤ u − 1) ≥ 1 − α/2.
  let u = Math.min(n, Math.ceil(n * nu + z * sd));
  while (u < n && binomialCdf(u - 1, n, nu) < 1 - alpha / 2) u++;
  while (u > 1 && binomialCdf(u - 2, n, nu) >= 1 - alpha / 2) u--;
  return { lower: l, upper: u };
}
