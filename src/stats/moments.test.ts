import { describe, expect, it } from 'vitest';
import { armModel, armValue, quantileVariance } from './moments.js';
import { cupedRatioTheta, cupedTheta } from './cuped.js';
import { CUPED_RATIO_A, CUPED_RATIO_B } from '../../test/fixtures/stats/gbstats.js';

describe('arm moments (gbstats statistics fixtures)', () => {
  it('sample mean and variance from sums', () => {
    const m = armModel({ kind: 'mean', n: 4, sum: 23.7, sumSquares: 485.15 });
    expect(m.beta[0]).toBeCloseTo(5.925, 12);
    expect(m.lambda[0]?.[0]).toBeCloseTo(114.90916666666665, 10);
  });

  it('proportion uses p(1 − p)', () => {
    const m = armModel({ kind: 'proportion', n: 4, successes: 3 });
    expect(m.beta[0]).toBe(0.75);
    expect(m.lambda[0]?.[0]).toBeCloseTo(0.1875, 12);
  });

  it('ratio covariance from the sum of products', () => {
    const m = armModel({
      kind: 'ratio',
      n: 4,
      numerator: { sum: 23.7, sumSquares: 485.15 },
      denominator: { sum: 11, sumSquares: 39 },
      sumProducts: 71.6,
    });
    expect(m.lambda[0]?.[1]).toBeCloseTo(2.1416666666666666, 12);
    expect(armValue('ratio', m.beta)).toBeCloseTo(23.7 / 11, 12);
  });

  it('CUPED θ pooled over arms (gbstats compute_theta: 0.01864)', () => {
    const arm = {
      kind: 'cuped' as const,
      n: 4,
      post: { sum: 11, sumSquares: 39, binary: false },
      pre: { sum: 23.7, sumSquares: 485.15, binary: false },
      sumProducts: 71.6,
    };
    expect(cupedTheta(arm, arm)).toBeCloseTo(0.01864, 5);
    // Hand check: pooled n = 8, Var(X) = (970.3 − 47.4²/8)/7, Cov = (143.2 − 22·47.4/8)/7.
    expect(cupedTheta(arm, arm)).toBeCloseTo((143.2 - (22 * 47.4) / 8) / (970.3 - 47.4 ** 2 / 8), 12);
  });

  it('CUPED θ is 0 without pre-period variance', () => {
    const arm = {
      kind: 'cuped' as const,
      n: 4,
      post: { sum: 11, sumSquares: 39, binary: false },
      pre: { sum: 0, sumSquares: 0, binary: false },
      sumProducts: 0,
    };
    expect(cupedTheta(arm, arm)).toBe(0);
  });

  it('CUPED ratio θ is finite and the adjusted value subtracts θ·pre ratio', () => {
    const a = { kind: 'cupedRatio' as const, ...CUPED_RATIO_A };
    const b = { kind: 'cupedRatio' as const, ...CUPED_RATIO_B };
    const theta = cupedRatioTheta(a, b);
    expect(Number.isFinite(theta)).toBe(true);
    const m = armModel(a);
    const [mp, dp, mq, dq] = m.beta as [number, number, number, number];
    expect(armValue('cupedRatio', m.beta, theta)).toBeCloseTo(mp / dp - (theta * mq) / dq, 12);
  });

  it('quantile variance from the order-statistic interval, floored for large n', () => {
    const v = quantileVariance({ n: 1000, nStar: 1000, lower: 1, upper: 1 });
    expect(v).toBe(1e-5);
    const z = 1.959963984540054;
    expect(quantileVariance({ n: 50, nStar: 50, lower: 1, upper: 3 })).toBeCloseTo(49 * (1 / z) ** 2, 12);
  });
});
