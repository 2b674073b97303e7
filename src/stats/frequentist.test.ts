import { describe, expect, it } from 'vitest';
import { armModel } from './moments.js';
import { effectOf, type Effect } from './effect.js';
import { tTest } from './frequentist.js';
import { cupedRatioTheta } from './cuped.js';
import {
  CUPED_RATIO_A,
  CUPED_RATIO_B,
  SAMPLE_A,
  SAMPLE_A_3000,
  SAMPLE_B,
} from '../../test/fixtures/stats/gbstats.js';

const mean = (s: { n: number; sum: number; sumSquares: number }) => armModel({ kind: 'mean', ...s });

function effect(a: ReturnType<typeof mean>, b: ReturnType<typeof mean>, d: 'absolute' | 'relative', theta = 0): Effect {
  const r = effectOf(a, b, d, theta);
  if (!r.ok) throw new Error(r.problem);
  return r.effect;
}

describe('Welch t-test against gbstats test_tests.py', () => {
  it('two-sided relative: 0.70732, CI [−0.03526, 1.44989], p 0.06191', () => {
    const e = effect(mean(SAMPLE_A), mean(SAMPLE_B), 'relative');
    const r = tTest(e, 0.05, 'two');
    expect(e.estimate).toBeCloseTo(0.70732, 5);
    expect(e.se).toBeCloseTo(0.37879, 5);
    expect(r.ci[0]).toBeCloseTo(-0.03526, 5);
    expect(r.ci[1]).toBeCloseTo(1.44989, 5);
    expect(r.pValue).toBeCloseTo(0.06191, 5);
  });

  it('two-sided absolute: 0.29, CI [0.04538, 0.53462], p 0.02016', () => {
    const e = effect(mean(SAMPLE_A), mean(SAMPLE_B), 'absolute');
    const r = tTest(e, 0.05, 'two');
    expect(e.estimate).toBeCloseTo(0.29, 10);
    expect(e.se).toBeCloseTo(0.12478, 5);
    expect(r.ci).toEqual([expect.closeTo(0.04538, 5), expect.closeTo(0.53462, 5)]);
    expect(r.pValue).toBeCloseTo(0.02016, 5);
  });

  it('proportions 14/28 vs 16/30: lift 0.06667, CI [−0.47767, 0.61101], p 0.80707', () => {
    const e = effect(
      armModel({ kind: 'proportion', n: 28, successes: 14 }),
      armModel({ kind: 'proportion', n: 30, successes: 16 }),
      'relative',
    );
    const r = tTest(e, 0.05, 'two');
    expect(e.se).toBeCloseTo(0.2717, 4);
    expect(r.ci[0]).toBeCloseTo(-0.47767, 5);
    expect(r.ci[1]).toBeCloseTo(0.61101, 5);
    expect(r.pValue).toBeCloseTo(0.80707, 5);
  });

  it('one-sided greater and lesser (control n = 3000)', () => {
    const rel = effect(mean(SAMPLE_A_3000), mean(SAMPLE_B), 'relative');
    const abs = effect(mean(SAMPLE_A_3000), mean(SAMPLE_B), 'absolute');
    const g = tTest(rel, 0.05, 'greater');
    expect(g.ci[0]).toBeCloseTo(-0.045136675850396046, 6);
    expect(g.ci[1]).toBeNull();
    expect(g.pValue).toBeCloseTo(0.06558262868467746, 8);
    const ga = tTest(abs, 0.05, 'greater');
    expect(ga.ci[0]).toBeCloseTo(0.020791480063255735, 8);
    expect(ga.pValue).toBeCloseTo(0.03554272489873023, 8);
    const l = tTest(rel, 0.05, 'lesser');
    expect(l.ci[0]).toBeNull();
    expect(l.ci[1]).toBeCloseTo(1.0518588475628676, 6);
    expect(l.pValue).toBeCloseTo(0.9344173713153225, 8);
    const la = tTest(abs, 0.05, 'lesser');
    expect(la.ci[1]).toBeCloseTo(0.44796185327007765, 8);
    expect(la.pValue).toBeCloseTo(0.9644572751012698, 8);
  });

  it('CUPED ratio: −0.0007, CI [−0.00841, 0.00700], p 0.85771', () => {
    const a = { kind: 'cupedRatio' as const, ...CUPED_RATIO_A };
    const b = { kind: 'cupedRatio' as const, ...CUPED_RATIO_B };
    const e = effect(armModel(a), armModel(b), 'relative', cupedRatioTheta(a, b));
    const r = tTest(e, 0.05, 'two');
    expect(e.estimate).toBeCloseTo(-0.0007, 4);
    expect(e.se).toBeCloseTo(0.00391, 5);
    expect(r.ci[0]).toBeCloseTo(-0.00841, 5);
    expect(r.ci[1]).toBeCloseTo(0.007, 5);
    expect(r.pValue).toBeCloseTo(0.85771, 4);
  });

  it('textbook Welch example: equal to the hand computation', () => {
    // Two samples, x̄₁ = 20, s₁² = 4, n₁ = 10; x̄₂ = 22, s₂² = 9, n₂ = 15.
    // SE² = 0.4 + 0.6 = 1, t = 2, df = 1 / (0.16/9 + 0.36/14) = 22.98…
    const a = armModel({ kind: 'mean', n: 10, sum: 200, sumSquares: 4 * 9 + 200 ** 2 / 10 });
    const b = armModel({ kind: 'mean', n: 15, sum: 330, sumSquares: 9 * 14 + 330 ** 2 / 15 });
    const e = effect(a, b, 'absolute');
    const r = tTest(e, 0.05, 'two');
    expect(e.se).toBeCloseTo(1, 12);
    expect(r.df).toBeCloseTo(1 / (0.16 / 9 + 0.36 / 14), 9);
    // R: 2 * pt(-2, 22.98287) = 0.05751…
    expect(r.pValue).toBeCloseTo(0.0575, 3);
  });

  it('extreme effects give tiny positive p-values, not 0 (t = 40)', () => {
    // Unit variances, n = 500 per arm: SE = √(2/500); a difference of 40·SE gives t = 40 on
    // 998 df, whose two-sided tail is ~1e-210: 1 − cdf would round it to 0.
    const n = 500;
    const d = 40 * Math.sqrt(2 / n);
    const a = armModel({ kind: 'mean', n, sum: 0, sumSquares: n - 1 });
    const b = armModel({ kind: 'mean', n, sum: n * d, sumSquares: n * d * d + n - 1 });
    const e = effect(a, b, 'absolute');
    expect(e.estimate / e.se).toBeCloseTo(40, 9);
    const r = tTest(e, 0.05, 'two');
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(1e-150);
  });

  it('negative control mean keeps the sign of the change in the relative lift', () => {
    const a = armModel({ kind: 'mean', n: 100, sum: -200, sumSquares: 400 + 99 });
    const b = armModel({ kind: 'mean', n: 100, sum: -100, sumSquares: 100 + 99 });
    const e = effect(a, b, 'relative');
    expect(e.estimate).toBeCloseTo(0.5, 12); // −1 vs −2: up by half of |−2|
  });

  it('reports a zero control mean and zero variance instead of dividing by them', () => {
    const zero = armModel({ kind: 'proportion', n: 100, successes: 0 });
    const some = armModel({ kind: 'proportion', n: 100, successes: 5 });
    expect(effectOf(zero, some, 'relative')).toEqual({ ok: false, problem: 'baseline_zero' });
    expect(effectOf(zero, zero, 'absolute')).toEqual({ ok: false, problem: 'zero_variance' });
    // Absolute still works when only the control has no variance: df come from treatment.
    const r = effectOf(zero, some, 'absolute');
    expect(r.ok && tTest(r.effect, 0.05, 'two').df).toBeCloseTo(99, 9);
  });
});
