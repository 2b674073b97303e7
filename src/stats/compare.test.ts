import { describe, expect, it } from 'vitest';
import { poissonRateTest, twoProportionTest } from './compare.js';

describe('period-over-period tests', () => {
  it('two-proportion z-test matches R prop.test without continuity correction', () => {
    // 120/1000 vs 100/1000: pooled 0.11, SE = √(0.11·0.89·0.002) = 0.013993, z = 1.42930,
    // X² = z² = 2.04290, p = 0.15293 (R: prop.test(c(120,100), c(1000,1000), correct = FALSE)).
    const t = twoProportionTest(120, 1000, 100, 1000)!;
    expect(t.z).toBeCloseTo(1.4293, 4);
    expect(t.pValue).toBeCloseTo(0.15293, 4);
    expect(t.significant).toBe(false);
    // 30% vs 20% with 500 each: pooled 0.25, SE = √(0.25·0.75·0.004) = 0.027386, z = 3.65148, p = 2.607e-4.
    expect(twoProportionTest(150, 500, 100, 500)!.pValue).toBeCloseTo(0.0002607, 6);
  });

  it('Poisson rate test conditions on the total', () => {
    // 120 vs 100 over equal weeks: z = (120 − 110) / √55 = 1.34840, p = 0.17753.
    const t = poissonRateTest(120, 7, 100, 7)!;
    expect(t.z).toBeCloseTo(1.3484, 4);
    expect(t.pValue).toBeCloseTo(0.17753, 4);
    // Unequal exposures: 310 in 31 days vs 280 in 28 days is the same rate: z = 0.
    expect(poissonRateTest(310, 31, 280, 28)!.z).toBeCloseTo(0, 10);
  });

  it('returns null when there is nothing to test, and keeps tiny p-values positive', () => {
    expect(twoProportionTest(0, 0, 1, 10)).toBeNull();
    expect(twoProportionTest(0, 10, 0, 10)).toBeNull();
    expect(poissonRateTest(0, 7, 0, 7)).toBeNull();
    // 2000 vs 1000: z = 500 / √750 = 18.257, p ≈ 1.7e-74 — computed from the upper tail, not 1 − Φ.
    const extreme = poissonRateTest(2000, 7, 1000, 7)!;
    expect(extreme.pValue).toBeGreaterThan(0);
    expect(extreme.pValue).toBeLessThan(1e-70);
  });
});
