/**
 * Sample ratio mismatch: a χ² goodness-of-fit test of the arms' unit counts against the
 * configured traffic weights. Arms with weight 0 (e.g. a variant switched off) are left out
 * entirely — from the total, the expected counts and the degrees of freedom — so a dead arm
 * neither trips nor masks the check.
 */
import { chiSquareSf } from './dists.js';

/**
 * @example srmPValue([821588, 815482], [0.5, 0.5]) // 1.8e-6 (Kohavi et al., ch. 21)
 */
export function srmPValue(counts: readonly number[], weights?: readonly number[]): number {
  const w = weights ?? counts.map(() => 1);
  const used = counts.map((c, i) => ({ c, w: w[i] ?? 0 })).filter((x) => x.w > 0);
  const total = used.reduce((s, x) => s + x.c, 0);
  const totalWeight = used.reduce((s, x) => s + x.w, 0);
  if (used.length < 2 || total === 0) return 1;
  let chi2 = 0;
  for (const { c, w: wi } of used) {
    const expected = (wi / totalWeight) * total;
    chi2 += ((c - expected) * (c - expected)) / expected;
  }
  return chiSquareSf(chi2, used.length - 1);
}
