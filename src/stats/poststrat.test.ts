import { describe, expect, it } from 'vitest';
import { postStratifiedEffect, type StratumPair } from './poststrat.js';
import { STRATA_MEAN, STRATA_RATIO_DEN } from '../../test/fixtures/stats/gbstats.js';

const meanCells: StratumPair[] = STRATA_MEAN.map(([a, b]) => [
  { kind: 'mean', n: a[0], sum: a[1], sumSquares: a[2] },
  { kind: 'mean', n: b[0], sum: b[1], sumSquares: b[2] },
]);
const ratioCells: StratumPair[] = STRATA_MEAN.map(([a, b], k) => {
  const [da, db] = STRATA_RATIO_DEN[k] as [[number, number, number], [number, number, number]];
  return [
    { kind: 'ratio', n: a[0], numerator: { sum: a[1], sumSquares: a[2] }, denominator: { sum: da[0], sumSquares: da[1] }, sumProducts: da[2] },
    { kind: 'ratio', n: b[0], numerator: { sum: b[1], sumSquares: b[2] }, denominator: { sum: db[0], sumSquares: db[1] }, sumProducts: db[2] },
  ];
});

function est(cells: StratumPair[], d: 'absolute' | 'relative') {
  const r = postStratifiedEffect(cells, d);
  if (!r.ok) throw new Error(r.problem);
  return r.effect;
}

describe('post-stratification (gbstats test_post_strat.py values)', () => {
  it('mean metric: absolute 3.54809 (se 0.37634), relative 0.10995 (se 0.01223)', () => {
    const abs = est(meanCells, 'absolute');
    expect(abs.estimate).toBeCloseTo(3.54809, 5);
    expect(abs.se).toBeCloseTo(0.37634, 5);
    const rel = est(meanCells, 'relative');
    expect(rel.estimate).toBeCloseTo(0.10995, 5);
    expect(rel.se).toBeCloseTo(0.01223, 5);
  });

  it('ratio metric: relative 0.13371 (se 0.00713), absolute 0.10009 (se 0.00507)', () => {
    const rel = est(ratioCells, 'relative');
    expect(rel.estimate).toBeCloseTo(0.13371, 5);
    expect(rel.se).toBeCloseTo(0.00713, 5);
    const abs = est(ratioCells, 'absolute');
    expect(abs.estimate).toBeCloseTo(0.10009, 5);
    expect(abs.se).toBeCloseTo(0.00507, 5);
  });

  it('a stratum too small to stand alone is merged, not dropped', () => {
    // gbstats test_missing_variation_data: adding a 1-unit control-only cell leaves 3.54809.
    const tiny: StratumPair = [
      { kind: 'mean', n: 1, sum: 1, sumSquares: 1 },
      { kind: 'mean', n: 0, sum: 0, sumSquares: 0 },
    ];
    const cells = meanCells.map((c, k): StratumPair => (k === 4 ? [{ ...c[0], n: 159, sum: 6538.348445231273, sumSquares: 274980.98909352464 } as StratumPair[0], c[1]] : c));
    const r = est([...cells, tiny], 'absolute');
    expect(r.estimate).toBeCloseTo(3.54809, 5);
    expect(r.se).toBeCloseTo(0.37634, 5);
  });

  it('one stratum equals the unstratified analysis', () => {
    const one = est([meanCells[0] as StratumPair], 'relative');
    expect(one.estimate).toBeCloseTo(708.1220000911836 / 42 / (330.0696210595999 / 21) - 1, 12);
  });
});
