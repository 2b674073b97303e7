import { describe, expect, it } from 'vitest';
import {
  binomialCdf,
  chiSquareQuantile,
  chiSquareSf,
  normalCdf,
  normalQuantile,
  normalSf,
  normalUpperQuantile,
  tCdf,
  tSf,
  tUpperQuantile,
} from './dists.js';

describe('dists', () => {
  it('matches printed table values', () => {
    // Standard tables: Φ(1.96) = 0.975, t(0.975; 10) = 2.228, χ²(0.95; 1) = 3.841.
    expect(normalSf(1.959963984540054)).toBeCloseTo(0.025, 12);
    expect(normalCdf(-1.959963984540054)).toBeCloseTo(0.025, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(tUpperQuantile(0.025, 10)).toBeCloseTo(2.228138851986274, 9);
    expect(tSf(2.228138851986274, 10)).toBeCloseTo(0.025, 12);
    expect(tCdf(-2.228138851986274, 10)).toBeCloseTo(0.025, 12);
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareQuantile(0.95, 1)).toBeCloseTo(3.841458820694124, 9);
    // P(X ≤ 5) for Binomial(10, ½) = 638/1024.
    expect(binomialCdf(5, 10, 0.5)).toBeCloseTo(638 / 1024, 12);
  });

  it('keeps far upper tails positive instead of rounding 1 − cdf to 0', () => {
    // 1 − Φ(30) is 0 in doubles; the tail itself is 4.906713927148e-198 (R: pnorm(30, lower=FALSE)).
    expect(normalSf(30) / 4.906713927148187e-198).toBeCloseTo(1, 10);
    // A Welch t of 40 on ~6000 df: still a positive number.
    expect(tSf(40, 6000)).toBeGreaterThan(0);
    expect(tSf(40, 6000)).toBeLessThan(1e-300);
    // χ² of 900 on 1 df: the tail equals P(|Z| > 30) = 2 · 4.9067e-198.
    expect(chiSquareSf(900, 1) / (2 * 4.906713927148187e-198)).toBeCloseTo(1, 8);
  });

  it('treats huge degrees of freedom as normal', () => {
    expect(tSf(1.96, Infinity)).toBe(normalSf(1.96));
    expect(tSf(1.96, 1e6)).toBeCloseTo(normalSf(1.96), 6);
  });

  it('inverts deep tails that stdlib rounds to infinity', () => {
    for (const p of [1e-20, 1e-100, 1e-300]) {
      const z = normalUpperQuantile(p);
      expect(Number.isFinite(z)).toBe(true);
      expect(normalSf(z) / p).toBeCloseTo(1, 8);
    }
    expect(normalQuantile(1e-100)).toBeCloseTo(-normalUpperQuantile(1e-100), 12);
  });
});
