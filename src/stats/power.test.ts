import { describe, expect, it } from 'vitest';
import { minimumDetectableEffect, powerAt, type PowerPlan } from './power.js';

// GrowthBook's power tests (front-end/shared power.test.ts): mean 10, σ² = 3909.99977…,
// 400 000 users over 3 variations, α = 0.05.
const base: PowerPlan = {
  mean: 10,
  variance: 3909.9997749994377,
  nTotal: 400000,
  variations: 3,
  alpha: 0.05,
  method: 'frequentist',
};

describe('power and MDE (GrowthBook worked values)', () => {
  it('frequentist power 0.52144 at 5%, MDE 0.07027 at 80%', () => {
    expect(powerAt(base, 0.05)).toBeCloseTo(0.52144, 5);
    const mde = minimumDetectableEffect(base, 0.8) as number;
    expect(mde).toBeCloseTo(0.07027, 5);
    expect(powerAt(base, mde)).toBeCloseTo(0.8, 12);
  });

  it('sequential (N* = 5000): power 0.20596, MDE 0.12821', () => {
    const seq = { ...base, method: 'sequential' as const, sequentialTuning: 5000 };
    expect(powerAt(seq, 0.05)).toBeCloseTo(0.20596, 5);
    expect(minimumDetectableEffect(seq, 0.8) as number).toBeCloseTo(0.12821, 5);
  });

  it('Bayesian with prior N(0.05, 0.5476): power 0.8 at 0.07025, and the MDE recovers it', () => {
    const bayes = { ...base, method: 'bayesian' as const, prior: { proper: true, mean: 0.05, variance: 0.5476 } };
    expect(powerAt(bayes, 0.07024999999999991)).toBeCloseTo(0.8, 3);
    // GrowthBook grid-searches in steps of 1e-5 and returns the first grid point above the
    // target (0.07025); the root itself is 0.0702421…, where the power is exactly 0.8.
    const mde = minimumDetectableEffect(bayes, 0.8) as number;
    expect(mde).toBeLessThanOrEqual(0.07025);
    expect(mde).toBeGreaterThan(0.07024);
    expect(powerAt(bayes, mde)).toBeCloseTo(0.8, 12);
  });

  it('weekly table, 4500 users/week, 3 variations: first weeks of the GrowthBook test', () => {
    const ctr: PowerPlan = { mean: 0.1, variance: 0.09, nTotal: 4500, variations: 3, alpha: 0.05, method: 'frequentist' };
    const revenue: PowerPlan = { ...ctr, mean: 0.1, variance: 0.5 };
    expect(powerAt(ctr, 0.05)).toBeCloseTo(0.073, 5);
    expect(powerAt(revenue, 0.3)).toBeCloseTo(0.17053, 5);
    expect(powerAt({ ...revenue, nTotal: 9 * 4500 }, 0.3)).toBeCloseTo(0.85213, 5);
    expect(minimumDetectableEffect(ctr, 0.8) as number).toBeCloseTo(0.36767, 4);
    const prior = { proper: true, mean: 0.2, variance: 0.3 };
    expect(powerAt({ ...ctr, method: 'bayesian', prior }, 0.05)).toBeCloseTo(0.0752, 4);
    expect(powerAt({ ...revenue, method: 'bayesian', prior }, 0.3)).toBeCloseTo(0.15127, 5);
    expect(Math.abs((minimumDetectableEffect({ ...ctr, method: 'bayesian', prior }, 0.8) as number) - 0.36259)).toBeLessThan(1e-4);
    const seq = { method: 'sequential' as const, sequentialTuning: 5000 };
    expect(powerAt({ ...ctr, ...seq }, 0.05)).toBeCloseTo(0.05936, 5);
    expect(powerAt({ ...revenue, ...seq }, 0.3)).toBeCloseTo(0.09832, 5);
    expect(minimumDetectableEffect({ ...ctr, ...seq }, 0.8) as number).toBeCloseTo(0.65545, 4);
  });

  it('power at zero lift is α for the frequentist test, and the MDE can be unreachable', () => {
    expect(powerAt(base, 0)).toBeCloseTo(0.05, 12);
    // 30 users: even a +1000% lift cannot reach 99.99% power with this much noise.
    expect(minimumDetectableEffect({ ...base, nTotal: 30 }, 0.9999)).toBeNull();
  });
});
