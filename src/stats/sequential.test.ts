import { describe, expect, it } from 'vitest';
import { armModel } from './moments.js';
import { effectOf, type Effect } from './effect.js';
import { sequentialHalfWidth, sequentialRho, sequentialTest } from './sequential.js';
import { cupedRatioTheta } from './cuped.js';
import { CUPED_RATIO_A, CUPED_RATIO_B, SAMPLE_A_3000, SAMPLE_B } from '../../test/fixtures/stats/gbstats.js';

function eff(d: 'absolute' | 'relative'): Effect {
  const r = effectOf(armModel({ kind: 'mean', ...SAMPLE_A_3000 }), armModel({ kind: 'mean', ...SAMPLE_B }), d);
  if (!r.ok) throw new Error(r.problem);
  return r.effect;
}

describe('asymptotic confidence sequences (gbstats test_tests.py values)', () => {
  it('two-sided, tuning 1000: CI [−0.55844, 1.56516]', () => {
    const r = sequentialTest(eff('relative'), 0.05, 1000, 'two');
    expect(r.ci[0]).toBeCloseTo(-0.55844, 5);
    expect(r.ci[1]).toBeCloseTo(1.56516, 5);
    expect(r.pValue).toBe(1);
  });

  it('tuning below, near and above n: widths and the p-value of 0.95385', () => {
    const below = sequentialTest(eff('relative'), 0.05, 10, 'two');
    const near = sequentialTest(eff('relative'), 0.05, 6461, 'two');
    const above = sequentialTest(eff('relative'), 0.05, 10000, 'two');
    expect(below.ci[0]).toBeCloseTo(-0.76785, 5);
    expect(near.ci[0]).toBeCloseTo(-0.50861, 5);
    expect(near.ci[1]).toBeCloseTo(1.51534, 5);
    expect(above.ci[0]).toBeCloseTo(-0.51485, 5);
    expect(above.pValue).toBeCloseTo(0.95385, 5);
  });

  it('proportions 1396/3000 vs 2422/3461: CI [0.40098, 0.60675], p tiny but positive', () => {
    const r0 = effectOf(
      armModel({ kind: 'proportion', n: 3000, successes: 1396 }),
      armModel({ kind: 'proportion', n: 3461, successes: 2422 }),
      'relative',
    );
    if (!r0.ok) throw new Error(r0.problem);
    const r = sequentialTest(r0.effect, 0.05, 5000, 'two');
    expect(r.ci[0]).toBeCloseTo(0.40098, 5);
    expect(r.ci[1]).toBeCloseTo(0.60675, 5);
    // gbstats prints 0.0 (5 decimals); the value is ~1e-43 and must stay positive.
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(1e-30);
  });

  it('CUPED ratio, tuning 5000: CI [−0.02063, 0.01923]', () => {
    const a = { kind: 'cupedRatio' as const, ...CUPED_RATIO_A };
    const b = { kind: 'cupedRatio' as const, ...CUPED_RATIO_B };
    const r0 = effectOf(armModel(a), armModel(b), 'relative', cupedRatioTheta(a, b));
    if (!r0.ok) throw new Error(r0.problem);
    const r = sequentialTest(r0.effect, 0.05, 5000, 'two');
    expect(r.ci[0]).toBeCloseTo(-0.02063, 5);
    expect(r.ci[1]).toBeCloseTo(0.01923, 5);
  });

  it('one-sided bounds: greater −0.42356 / −0.12657, lesser 1.43029 / 0.59532', () => {
    expect(sequentialTest(eff('relative'), 0.05, 5000, 'greater').ci).toEqual([expect.closeTo(-0.42356, 5), null]);
    expect(sequentialTest(eff('absolute'), 0.05, 5000, 'greater').ci[0]).toBeCloseTo(-0.12657, 5);
    expect(sequentialTest(eff('relative'), 0.05, 5000, 'lesser').ci).toEqual([null, expect.closeTo(1.43029, 5)]);
    expect(sequentialTest(eff('absolute'), 0.05, 5000, 'lesser').ci[1]).toBeCloseTo(0.59532, 5);
  });

  it('one-sided p-value is exact: the sequence at α = p has its bound exactly at 0', () => {
    const e = eff('absolute');
    const p = sequentialTest(e, 0.05, 5000, 'greater').pValue;
    // gbstats bisects and reports 0.46316: its loop returns the next midpoint after the one
    // that met the tolerance, so it is off by ~1e-4. A 200-step bisection of the same bound
    // (ρ held at α = 0.05) converges to 0.46304735779462614, which the closed form hits.
    expect(Math.abs(p - 0.46316)).toBeLessThan(2e-4);
    expect(p).toBeCloseTo(0.46304735779462614, 13);
    // Re-derive: with ρ held at the planned α = 0.05, the bound at α = p is e − w(p) = 0.
    const n = e.nControl + e.nTreatment;
    const rho = sequentialRho(0.05, 5000, false);
    const r2 = n * rho * rho;
    const w = e.se * Math.sqrt(n) * Math.sqrt((2 * (r2 + 1) * Math.log1p(Math.sqrt(r2 + 1) / (2 * p))) / (r2 * n));
    expect(e.estimate - w).toBeCloseTo(0, 12);
    // Evidence in the other direction: p = 1.
    expect(sequentialTest(e, 0.05, 5000, 'lesser').pValue).toBe(1);
  });

  it('the two-sided p-value and interval agree: p < α exactly when 0 is outside', () => {
    const e = eff('absolute');
    for (const tuning of [100, 1000, 5000, 20000]) {
      const r = sequentialTest(e, 0.05, tuning, 'two');
      const excludes = (r.ci[0] as number) > 0 || (r.ci[1] as number) < 0;
      expect(r.pValue < 0.05).toBe(excludes);
    }
    // Half-width grows as α shrinks.
    const n = e.nControl + e.nTreatment;
    expect(sequentialHalfWidth(e.se, n, 0.01, 5000, 'two')).toBeGreaterThan(sequentialHalfWidth(e.se, n, 0.05, 5000, 'two'));
  });

  it('ρ for α = 0.05 and N* = 5000', () => {
    const l = -2 * Math.log(0.05);
    expect(sequentialRho(0.05, 5000)).toBeCloseTo(Math.sqrt((l + Math.log(l + 1)) / 5000), 15);
  });
});
