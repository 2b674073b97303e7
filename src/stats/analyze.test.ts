import { describe, expect, it } from 'vitest';
import { FupanError } from '../core/index.js';
import { analyzeExperiment } from './analyze.js';
import { CUPED_RATIO_A, CUPED_RATIO_B, QUANTILE_A, QUANTILE_B, SAMPLE_A, SAMPLE_B, STRATA_MEAN } from '../../test/fixtures/stats/gbstats.js';

const issueExample = {
  metric: { type: 'mean', inverse: false },
  method: 'frequentist',
  difference: 'relative',
  alpha: 0.05,
  sided: 'two',
  arms: [
    { name: 'control', weight: 0.5, ...SAMPLE_A },
    { name: 'treatment', weight: 0.5, ...SAMPLE_B },
  ],
};

function errorOf(f: () => unknown): FupanError {
  try {
    f();
  } catch (e) {
    if (e instanceof FupanError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('analyzeExperiment: the public contract', () => {
  it('the issue example gives gbstats’ numbers in the contract shape', () => {
    const r = analyzeExperiment(issueExample);
    const arm = r.arms[0]!;
    expect(Object.keys(arm)).toEqual(expect.arrayContaining(['name', 'lift', 'ci', 'se', 'pValue', 'chanceToWin', 'risk']));
    expect(arm.name).toBe('treatment');
    expect(arm.lift).toBeCloseTo(0.70732, 5);
    expect(arm.ci[0]).toBeCloseTo(-0.03526, 5);
    expect(arm.ci[1]).toBeCloseTo(1.44989, 5);
    expect(arm.se).toBeCloseTo(0.37879, 5);
    expect(arm.pValue).toBeCloseTo(0.06191, 5);
    expect(arm.chanceToWin).toBeNull();
    expect(arm.risk).toBeNull();
    // 3407 vs 3461 at 50/50: χ² = 54²/6868 = 0.4246 → p = 0.5147.
    expect(r.srm.pValue).toBeCloseTo(0.51469, 4);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('defaults: frequentist, relative, α 0.05, two-sided', () => {
    const r = analyzeExperiment({ metric: { type: 'mean' }, arms: issueExample.arms });
    expect(r.method).toBe('frequentist');
    expect(r.arms[0]?.lift).toBeCloseTo(0.70732, 5);
  });

  it('Bayesian: chance to win and risk, no p-value', () => {
    const r = analyzeExperiment({ ...issueExample, method: 'bayesian' });
    const arm = r.arms[0]!;
    expect(arm.pValue).toBeNull();
    expect(arm.chanceToWin).toBeGreaterThan(0.9);
    expect(arm.risk).toHaveLength(2);
  });

  it('one-sided bounds at ±∞ are null in JSON', () => {
    const r = analyzeExperiment({ ...issueExample, sided: 'greater' });
    expect(r.arms[0]?.ci[1]).toBeNull();
    const s = analyzeExperiment({ ...issueExample, method: 'sequential', sided: 'lesser' });
    expect(s.arms[0]?.ci[0]).toBeNull();
  });

  it('proportions, CUPED ratio and quantile metrics flow through', () => {
    const p = analyzeExperiment({
      metric: { type: 'proportion' },
      arms: [
        { name: 'a', n: 28, successes: 14 },
        { name: 'b', n: 30, successes: 16 },
      ],
    });
    expect(p.arms[0]?.pValue).toBeCloseTo(0.80707, 5);
    const cr = analyzeExperiment({
      metric: { type: 'ratio' },
      arms: [
        { name: 'a', ...CUPED_RATIO_A },
        { name: 'b', ...CUPED_RATIO_B },
      ],
    });
    expect(cr.arms[0]?.pValue).toBeCloseTo(0.85771, 4);
    expect(cr.arms[0]?.cupedTheta).toBeDefined();
    const q = analyzeExperiment({
      metric: { type: 'quantile' },
      method: 'bayesian',
      difference: 'absolute',
      arms: [
        { name: 'a', ...QUANTILE_A },
        { name: 'b', ...QUANTILE_B },
      ],
    });
    expect(q.arms[0]?.lift).toBeCloseTo(0.53651, 5);
  });

  it('CUPED on a mean metric reduces the standard error when the pre-period predicts', () => {
    // Per arm: y = x + noise; Σx² etc. chosen so Var(x) = 4, Var(y) = 5, Cov = 4.
    const arm = (name: string, n: number, my: number, mx: number) => ({
      name,
      n,
      sum: n * my,
      sumSquares: 5 * (n - 1) + n * my * my,
      pre: { sum: n * mx, sumSquares: 4 * (n - 1) + n * mx * mx },
      sumProducts: 4 * (n - 1) + n * my * mx,
    });
    const withPre = analyzeExperiment({ metric: { type: 'mean' }, difference: 'absolute', arms: [arm('a', 1000, 10, 10), arm('b', 1000, 10.2, 10)] });
    const plain = analyzeExperiment({
      metric: { type: 'mean' },
      difference: 'absolute',
      arms: [arm('a', 1000, 10, 10), arm('b', 1000, 10.2, 10)].map(({ pre: _p, sumProducts: _s, ...rest }) => rest),
    });
    // θ ≈ 1, adjusted variance ≈ 5 − 4 = 1 vs 5: the SE shrinks by about √5.
    expect(withPre.arms[0]?.cupedTheta).toBeCloseTo(1, 2);
    expect((plain.arms[0]?.se as number) / (withPre.arms[0]?.se as number)).toBeCloseTo(Math.sqrt(5), 1);
    expect(withPre.arms[0]?.lift).toBeCloseTo(0.2, 10);
  });

  it('post-stratified when strata are given', () => {
    const strata = STRATA_MEAN.map(([a, b]) => ({
      arms: [
        { name: 'a', n: a[0], sum: a[1], sumSquares: a[2] },
        { name: 'b', n: b[0], sum: b[1], sumSquares: b[2] },
      ],
    }));
    const sum = (j: 0 | 1, f: 0 | 1 | 2) => STRATA_MEAN.reduce((s, c) => s + c[j][f], 0);
    const arms = [0, 1].map((j) => ({ name: j ? 'b' : 'a', n: sum(j as 0 | 1, 0), sum: sum(j as 0 | 1, 1), sumSquares: sum(j as 0 | 1, 2) }));
    const r = analyzeExperiment({ metric: { type: 'mean' }, difference: 'absolute', arms, strata });
    expect(r.arms[0]?.postStratified).toBe(true);
    expect(r.arms[0]?.lift).toBeCloseTo(3.54809, 5);
    expect(r.arms[0]?.se).toBeCloseTo(0.37634, 5);
  });

  it('Holm adjustment across arms, with adjusted intervals', () => {
    const r = analyzeExperiment({
      metric: { type: 'proportion' },
      adjust: 'holm',
      arms: [
        { name: 'a', n: 1000, successes: 100 },
        { name: 'b', n: 1000, successes: 130 },
        { name: 'c', n: 1000, successes: 105 },
      ],
    });
    const [b, c] = r.arms as [NonNullable<(typeof r.arms)[0]>, NonNullable<(typeof r.arms)[0]>];
    const pb = b.pValue as number;
    const pc = c.pValue as number;
    expect(b.adjusted?.pValue).toBeCloseTo(Math.min(1, 2 * Math.min(pb, pc)), 12);
    expect(c.adjusted?.pValue).toBeCloseTo(Math.max(2 * pb, pc), 12);
  });

  it('edge cases are reported per arm, not thrown: control mean 0 and zero variance', () => {
    const r = analyzeExperiment({
      metric: { type: 'proportion' },
      arms: [
        { name: 'a', n: 100, successes: 0 },
        { name: 'b', n: 100, successes: 3 },
      ],
    });
    expect(r.arms[0]?.error?.code).toBe('baseline_zero');
    expect(r.arms[0]?.lift).toBeNull();
    const z = analyzeExperiment({
      metric: { type: 'mean' },
      difference: 'absolute',
      arms: [
        { name: 'a', n: 10, sum: 50, sumSquares: 250 },
        { name: 'b', n: 10, sum: 50, sumSquares: 250 },
      ],
    });
    expect(z.arms[0]?.error?.code).toBe('zero_variance');
  });

  it('invalid input names the field', () => {
    const tooSmall = errorOf(() => analyzeExperiment({ metric: { type: 'mean' }, arms: [{ name: 'a', n: 1, sum: 1, sumSquares: 1 }, issueExample.arms[1]] }));
    expect(tooSmall.code).toBe('invalid_input');
    expect(tooSmall.details.path).toBe('arms.0.n');
    const negative = errorOf(() => analyzeExperiment({ metric: { type: 'mean' }, arms: [{ name: 'a', n: 10, sum: 100, sumSquares: 10 }, issueExample.arms[1]] }));
    expect(negative.details.path).toBe('arms.0.sumSquares');
    expect(negative.message).toContain('negative variance');
    const missing = errorOf(() => analyzeExperiment({ metric: { type: 'ratio' }, arms: [{ name: 'a', n: 10, numerator: { sum: 1, sumSquares: 1 } }, { name: 'b', n: 10 }] }));
    expect(missing.details.path).toBe('arms.0.denominator');
    const badType = errorOf(() => analyzeExperiment({ metric: { type: 'median' }, arms: [] }));
    expect(badType.details.path).toBe('metric.type');
    const mixed = errorOf(() =>
      analyzeExperiment({ metric: { type: 'mean' }, arms: [{ ...issueExample.arms[0], pre: { sum: 1, sumSquares: 1 }, sumProducts: 1 }, issueExample.arms[1]] }),
    );
    expect(mixed.details.path).toBe('arms.1');
  });
});
