import { describe, expect, it } from 'vitest';
import { adjustedInterval, bh, holm } from './adjust.js';

// Benjamini & Hochberg (1995), section 4: fifteen p-values from a clinical trial.
// At q = 0.05 BH rejects the four smallest; Bonferroni-type (and Holm) the three smallest.
const BH1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0];

describe('multiple-testing adjustment', () => {
  it('BH reproduces the 1995 paper: four rejections at 0.05', () => {
    const adj = bh(BH1995);
    expect(adj.filter((p) => p < 0.05)).toHaveLength(4);
    // By hand: p̃₍₄₎ = min_{j≥4} 15·p₍ⱼ₎/j = 15·0.0095/4; p̃₍₅₎ = 15·0.0201/5.
    expect(adj[3]).toBeCloseTo(0.035625, 12);
    expect(adj[4]).toBeCloseTo(0.0603, 12);
    expect(adj[14]).toBe(1);
  });

  it('Holm on the same data: three rejections, step-down values by hand', () => {
    const adj = holm(BH1995);
    expect(adj.filter((p) => p < 0.05)).toHaveLength(3);
    expect(adj.slice(0, 4)).toEqual([
      expect.closeTo(0.0015, 12),
      expect.closeTo(0.0056, 12),
      expect.closeTo(0.0247, 12),
      expect.closeTo(0.114, 12),
    ]);
  });

  it('returns values in input order, as R p.adjust does', () => {
    // R: p.adjust(c(0.04, 0.01, 0.03), "holm") = 0.06 0.03 0.06; "BH" = 0.04 0.03 0.04
    expect(holm([0.04, 0.01, 0.03])).toEqual([expect.closeTo(0.06, 12), expect.closeTo(0.03, 12), expect.closeTo(0.06, 12)]);
    expect(bh([0.04, 0.01, 0.03])).toEqual([expect.closeTo(0.04, 12), expect.closeTo(0.03, 12), expect.closeTo(0.04, 12)]);
  });

  it('adjusted intervals exclude 0 exactly when the adjusted p is below α', () => {
    const below = adjustedInterval(0.1, 0.049, 0.05, 'two');
    const above = adjustedInterval(0.1, 0.051, 0.05, 'two');
    expect(below[0] as number).toBeGreaterThan(0);
    expect(above[0] as number).toBeLessThan(0);
    // p̃ = α puts the bound at 0.
    expect(adjustedInterval(0.1, 0.05, 0.05, 'two')[0]).toBeCloseTo(0, 12);
    expect(adjustedInterval(-0.1, 0.05, 0.05, 'lesser')).toEqual([null, expect.closeTo(0, 12)]);
    expect(adjustedInterval(0.1, 1, 0.05, 'two')).toEqual([null, null]);
  });
});
