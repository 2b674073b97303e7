import { normalSf } from './dists.js';

/**
 * Is a period-over-period change more than noise? Two tests for the report's results and
 * follow-ups (not for experiments, which have their own engine):
 * - rates (successes / trials): the two-proportion z-test with a pooled variance;
 * - counts (events, persons, orders over a period): the conditional test for two Poisson
 *   rates, with exposures = period lengths, normal approximation.
 * Both return a two-sided p-value; `significant` uses α (default 0.05).
 */
export interface ChangeTest {
  method: 'two_proportion_z' | 'poisson_rate';
  z: number;
  pValue: number;
  significant: boolean;
}

/**
 * @example twoProportionTest(120, 1000, 100, 1000).pValue // ≈ 0.1529 (R: prop.test(c(120,100), c(1000,1000), correct=FALSE))
 */
export function twoProportionTest(x1: number, n1: number, x0: number, n0: number, alpha = 0.05): ChangeTest | null {
  if (n1 <= 0 || n0 <= 0 || x1 < 0 || x0 < 0 || x1 > n1 || x0 > n0) return null;
  const pooled = (x1 + x0) / (n1 + n0);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n0);
  if (variance <= 0) return null;
  const z = (x1 / n1 - x0 / n0) / Math.sqrt(variance);
  const pValue = Math.min(1, 2 * normalSf(Math.abs(z)));
  return { method: 'two_proportion_z', z, pValue, significant: pValue < alpha };
}

/**
 * Counts `a` over exposure `t1` against `b` over `t0` (e.g. days). Conditional on a + b,
 * a ~ Binomial(a + b, t1 / (t1 + t0)) under equal rates.
 *
 * @example poissonRateTest(120, 7, 100, 7).pValue // ≈ 0.1775
 */
export function poissonRateTest(a: number, t1: number, b: number, t0: number, alpha = 0.05): ChangeTest | null {
  const total = a + b;
  if (total <= 0 || t1 <= 0 || t0 <= 0 || a < 0 || b < 0) return null;
  const r = t1 / (t1 + t0);
  const z = (a - total * r) / Math.sqrt(total * r * (1 - r));
  const pValue = Math.min(1, 2 * normalSf(Math.abs(z)));
  return { method: 'poisson_rate', z, pValue, significant: pValue < alpha };
}
