import { describe, expect, it } from 'vitest';
import { srmPValue } from './srm.js';

describe('SRM χ² test', () => {
  it("Kohavi, Tang & Xu (Trustworthy Online Controlled Experiments, ch. 21): 821,588 vs 815,482 → p ≈ 1.8e-6", () => {
    // χ² = 2·3053²/818535 = 22.774; P(χ²₁ > 22.774) = 1.82e-6.
    expect(srmPValue([821588, 815482], [0.5, 0.5])).toBeCloseTo(1.82e-6, 7);
  });

  it('hand computation with unequal weights and three arms', () => {
    // Expected 250/250/500 for weights ¼/¼/½; χ² = (10² + 10² + 0²)/250 = 0.8 on 2 df → e^(−0.4).
    expect(srmPValue([260, 240, 500], [0.25, 0.25, 0.5])).toBeCloseTo(Math.exp(-0.4), 12);
  });

  it('skips arms with weight 0 (total, expectations and df)', () => {
    expect(srmPValue([260, 240, 999], [0.5, 0.5, 0])).toBeCloseTo(srmPValue([260, 240], [0.5, 0.5]), 15);
    // 260 vs 240 at 50/50: χ² = 0.8 on 1 df.
    expect(srmPValue([260, 240], [1, 1])).toBeCloseTo(0.37109336952269756, 12);
  });

  it('stays positive for gross mismatches and is 1 without data', () => {
    // χ² = 2·2500²/97500 = 128.2: the tail is ~1e-29, not a rounded 0.
    expect(srmPValue([100_000, 95_000])).toBeGreaterThan(0);
    expect(srmPValue([100_000, 95_000])).toBeLessThan(1e-25);
    expect(srmPValue([0, 0])).toBe(1);
  });
});
