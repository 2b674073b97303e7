/**
 * Multiple-testing corrections. Holm (1979) controls the family-wise error rate and is
 * uniformly more powerful than Bonferroni; Benjamini & Hochberg (1995) control the false
 * discovery rate. Both return adjusted p-values in input order, matching R's p.adjust.
 */
import { normalUpperQuantile } from './dists.js';
import type { Interval, Sided } from './frequentist.js';

export type Adjustment = 'holm' | 'bh';

function order(p: readonly number[]): number[] {
  return p.map((_, i) => i).sort((a, b) => (p[a] as number) - (p[b] as number));
}

/** Holm step-down: p̃₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎). @example holm([0.01, 0.04, 0.03]) // [0.03, 0.06, 0.06] */
export function holm(p: readonly number[]): number[] {
  const m = p.length;
  const out = new Array<number>(m);
  let running = 0;
  order(p).forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (p[idx] as number)));
    out[idx] = running;
  });
  return out;
}

/** BH step-up: p̃₍ᵢ₎ = min_{j ≥ i} min(1, m·p₍ⱼ₎ / j). @example bh([0.01, 0.04, 0.03]) // [0.03, 0.04, 0.04] */
export function bh(p: readonly number[]): number[] {
  const m = p.length;
  const out = new Array<number>(m);
  const idx = order(p);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const i = idx[rank] as number;
    running = Math.min(running, (m * (p[i] as number)) / (rank + 1));
    out[i] = Math.min(1, running);
  }
  return out;
}

/** @example adjustPValues('holm', [0.01, 0.04, 0.03]) */
export function adjustPValues(method: Adjustment, p: readonly number[]): number[] {
  return method === 'holm' ? holm(p) : bh(p);
}

/**
 * An interval consistent with an adjusted p-value (the construction GrowthBook uses): the
 * standard error implied by the adjusted p, |lift| / z(p̃), times the usual critical value,
 * so the interval excludes 0 exactly when p̃ < α. With p̃ = 1 it is unbounded (nulls).
 * @example adjustedInterval(0.2, 0.01, 0.05, 'two') // excludes 0
 */
export function adjustedInterval(lift: number, adjustedP: number, alpha: number, sided: Sided): Interval {
  const tails = sided === 'two' ? 2 : 1;
  const zAdj = normalUpperQuantile(adjustedP / tails);
  if (!(zAdj > 0) || lift === 0) return [null, null];
  const w = normalUpperQuantile(alpha / tails) * (Math.abs(lift) / zAdj);
  if (sided === 'greater') return [lift - w, null];
  if (sided === 'lesser') return [null, lift + w];
  return [lift - w, lift + w];
}
