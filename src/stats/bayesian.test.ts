import { describe, expect, it } from 'vitest';
import { armModel } from './moments.js';
import { effectOf, type Effect } from './effect.js';
import { bayesianTest, expectedPositivePart } from './bayesian.js';
import { normalCdf, normalPdf } from './dists.js';
import { QUANTILE_A, QUANTILE_B } from '../../test/fixtures/stats/gbstats.js';

const flat = { proper: false, mean: 0, variance: 1 };

function eff(a: Parameters<typeof armModel>[0], b: Parameters<typeof armModel>[0], d: 'absolute' | 'relative'): Effect {
  const r = effectOf(armModel(a), armModel(b), d);
  if (!r.ok) throw new Error(r.problem);
  return r.effect;
}

describe('Bayesian effect model (gbstats bayesian fixtures)', () => {
  const a = { kind: 'mean' as const, n: 10, sum: 100, sumSquares: 1002.25 };
  const b = { kind: 'mean' as const, n: 10, sum: 105, sumSquares: 1111.5 };

  it('flat prior: 0.05, sd 0.03572, CI [−0.02, 0.12], ctw 0.91923, risk [0.05131, 0.00131]', () => {
    const r = bayesianTest(eff(a, b, 'relative'), flat, 0.05, false, 'relative');
    expect(r.mean).toBeCloseTo(0.05, 10);
    expect(r.sd).toBeCloseTo(0.03572, 5);
    expect(r.ci[0]).toBeCloseTo(-0.02, 5);
    expect(r.ci[1]).toBeCloseTo(0.12, 5);
    expect(r.chanceToWin).toBeCloseTo(0.91923, 5);
    expect(r.risk[0]).toBeCloseTo(0.05131, 5);
    expect(r.risk[1]).toBeCloseTo(0.00131, 5);
  });

  it('informative prior N(0.1, 0.1): 0.05063, CI [−0.01893, 0.12019], ctw 0.92315', () => {
    const r = bayesianTest(eff(a, b, 'relative'), { proper: true, mean: 0.1, variance: 0.1 }, 0.05, false, 'relative');
    expect(r.mean).toBeCloseTo(0.05063, 5);
    expect(r.sd).toBeCloseTo(0.03549, 5);
    expect(r.ci[0]).toBeCloseTo(-0.01893, 5);
    expect(r.ci[1]).toBeCloseTo(0.12019, 5);
    expect(r.chanceToWin).toBeCloseTo(0.92315, 5);
    expect(r.risk).toEqual([expect.closeTo(0.05186, 5), expect.closeTo(0.00123, 5)]);
  });

  it('relative prior rescaled for an absolute difference: 3.48639, CI [−6.81537, 13.78815]', () => {
    const c = { kind: 'mean' as const, n: 100, sum: 1000, sumSquares: 200000 };
    const t = { kind: 'mean' as const, n: 100, sum: 1100, sumSquares: 200005 };
    const prior = { proper: true, mean: 1, variance: 1 };
    const abs = bayesianTest(eff(c, t, 'absolute'), prior, 0.05, false, 'absolute');
    expect(abs.mean).toBeCloseTo(3.48639, 5);
    expect(abs.ci[0]).toBeCloseTo(-6.81537, 5);
    expect(abs.ci[1]).toBeCloseTo(13.78815, 5);
    expect(abs.chanceToWin).toBeCloseTo(0.74643, 5);
    expect(abs.risk).toEqual([expect.closeTo(4.28516, 5), expect.closeTo(0.79877, 5)]);
    const rel = bayesianTest(eff(c, t, 'relative'), prior, 0.05, false, 'relative');
    expect(rel.mean).toBeCloseTo(0.3671, 4);
    expect(rel.chanceToWin).toBeCloseTo(0.7498, 4);
  });

  it('quantile metric (P90), flat prior: 0.53651, CI [0.45726, 0.61577]', () => {
    const e = eff({ kind: 'quantile', ...QUANTILE_A }, { kind: 'quantile', ...QUANTILE_B }, 'absolute');
    // gbstats' "flat" case here is a proper N(0, 1e6) prior.
    const r = bayesianTest(e, { proper: true, mean: 0, variance: 1e6 }, 0.05, false, 'absolute');
    expect(r.mean).toBeCloseTo(0.5365124367824539, 8);
    expect(r.ci[0]).toBeCloseTo(0.4572559582016913, 8);
    expect(r.ci[1]).toBeCloseTo(0.6157689153632164, 8);
    const rel = bayesianTest(
      eff({ kind: 'quantile', ...QUANTILE_A }, { kind: 'quantile', ...QUANTILE_B }, 'relative'),
      { proper: true, mean: 0, variance: 1 },
      0.05,
      false,
      'relative',
    );
    expect(rel.mean).toBeCloseTo(0.07495, 5); // tsgbstats fixture, 5 decimals
    expect(rel.ci[0]).toBeCloseTo(0.06341, 5);
  });

  it('quantile risk with wide intervals: [0.6322, 0.09569], ctw 0.77144', () => {
    const wide = (q: typeof QUANTILE_A) => ({ kind: 'quantile' as const, ...q, lower: q.quantile - 1, upper: q.quantile + 1 });
    const r = bayesianTest(eff(wide(QUANTILE_A), wide(QUANTILE_B), 'absolute'), flat, 0.05, false, 'absolute');
    expect(r.chanceToWin).toBeCloseTo(0.77144, 5);
    expect(r.risk).toEqual([expect.closeTo(0.6322, 4), expect.closeTo(0.09569, 5)]);
  });

  it('inverse metrics flip chance to win and swap risks', () => {
    const e = eff(a, b, 'relative');
    const up = bayesianTest(e, flat, 0.05, false, 'relative');
    const down = bayesianTest(e, flat, 0.05, true, 'relative');
    expect(down.chanceToWin).toBeCloseTo(1 - up.chanceToWin, 12);
    expect(down.risk).toEqual([up.risk[1], up.risk[0]]);
  });

  it('G(z) = φ(z) + zΦ(z), and stays accurate and positive far in the tail', () => {
    for (const z of [-4.9, -1, 0, 2]) expect(expectedPositivePart(z)).toBeCloseTo(normalPdf(z) + z * normalCdf(z), 12);
    // Continuity at the switch point, and asymptotics G(z) ≈ φ(z)/z² for z → −∞.
    const z5 = -5.0000001;
    expect(expectedPositivePart(z5) / (normalPdf(z5) + z5 * normalCdf(z5))).toBeCloseTo(1, 8);
    const g = expectedPositivePart(-30);
    expect(g).toBeGreaterThan(0);
    expect(g / (normalPdf(30) / 900)).toBeCloseTo(1 - 3 / 900 + 15 / 810000, 6);
  });
});
