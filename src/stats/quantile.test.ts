import { describe, expect, it } from 'vitest';
import { quantileRanks } from './quantile.js';
import { binomialCdf } from './dists.js';

describe('order-statistic ranks for quantile intervals', () => {
  it('median of 100: ranks 40 and 61 (Conover table; R: qbinom(c(.025,.975),100,.5) = 40, 60)', () => {
    expect(quantileRanks(100, 0.5, 0.05)).toEqual({ lower: 40, upper: 61 });
  });

  it('coverage P(l ≤ B < u) is at least 1 − α and each bound is tight', () => {
    for (const [n, nu] of [
      [50, 0.9],
      [1000, 0.9],
      [200, 0.25],
    ] as const) {
      const { lower: l, upper: u } = quantileRanks(n, nu, 0.05);
      const below = binomialCdf(l - 1, n, nu);
      const belowU = binomialCdf(u - 1, n, nu);
      expect(below).toBeLessThanOrEqual(0.025);
      expect(belowU).toBeGreaterThanOrEqual(0.975);
      expect(binomialCdf(l, n, nu)).toBeGreaterThan(0.025);
      expect(binomialCdf(u - 2, n, nu)).toBeLessThan(0.975);
    }
  });
});
