import { describe, expect, it } from 'vitest';
import { FupanError } from '../core/index.js';
import { adjust, power, srm } from './api.js';

describe('srm / adjust / power contract', () => {
  it('srm', () => {
    expect(srm({ counts: [821588, 815482], weights: [0.5, 0.5] }).pValue).toBeCloseTo(1.82e-6, 7);
    expect(() => srm({ counts: [1, 2], weights: [1] })).toThrow(FupanError);
  });

  it('adjust returns input order', () => {
    expect(adjust({ method: 'bh', pValues: [0.04, 0.01, 0.03] }).adjusted).toEqual([
      expect.closeTo(0.04, 12),
      expect.closeTo(0.03, 12),
      expect.closeTo(0.04, 12),
    ]);
  });

  it('power for a proportion (GrowthBook week-1 CTR row: power 0.073, MDE 0.36767)', () => {
    const r = power({ metric: { type: 'proportion', conversionRate: 0.1 }, effectSize: 0.05, nTotal: 4500, variations: 3, alpha: 0.05, method: 'frequentist', targetPower: 0.8 });
    expect(r.power).toBeCloseTo(0.073, 5);
    expect(r.mde as number).toBeCloseTo(0.36767, 4);
    expect(r.nPerArm).toBe(1500);
  });

  it('power for a mean metric with a sequential plan', () => {
    const r = power({
      metric: { type: 'mean', mean: 10, standardDeviation: Math.sqrt(3909.9997749994377) },
      effectSize: 0.05,
      nTotal: 400000,
      variations: 3,
      method: 'sequential',
      sequentialTuning: 5000,
    });
    expect(r.power).toBeCloseTo(0.20596, 5);
  });

  it('invalid power input names the field', () => {
    try {
      power({ metric: { type: 'mean', mean: 0, standardDeviation: 1 }, effectSize: 0.1, nTotal: 100 });
      throw new Error('no error');
    } catch (e) {
      expect((e as FupanError).details.path).toBe('metric.mean');
    }
  });
});
