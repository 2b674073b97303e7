/**
 * Explaining a change across the values of one dimension (METRICS.md "Explaining a change
 * across dimensions"). Pure functions; the queries that feed them are in findings.ts.
 */

export interface AdditiveItem {
  segment: string;
  before: number;
  after: number;
}

export interface Contribution {
  segment: string;
  before: number;
  after: number;
  delta: number;
  /** Δyᵢ / ΔY (sums to 1 over all segments); null when ΔY = 0. */
  share: number | null;
}

/**
 * Additive metric Y = Σ yᵢ: contribution of segment i = Δyᵢ / ΔY, largest |Δyᵢ| first.
 *
 * @example additiveContributions([{ segment: 'a', before: 10, after: 16 }, { segment: 'b', before: 10, after: 8 }])
 * // ΔY = 4: a +6 → 150%, b −2 → −50%
 */
export function additiveContributions(items: readonly AdditiveItem[]): { before: number; after: number; delta: number; items: Contribution[] } {
  const before = items.reduce((s, x) => s + x.before, 0);
  const after = items.reduce((s, x) => s + x.after, 0);
  const delta = after - before;
  const out = items.map((x) => ({ segment: x.segment, before: x.before, after: x.after, delta: x.after - x.before, share: delta === 0 ? null : (x.after - x.before) / delta }));
  out.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || (a.segment < b.segment ? -1 : 1));
  return { before, after, delta, items: out };
}

export interface GapItem {
  segment: string;
  actual: number;
  target: number;
  /** actualᵢ − targetᵢ. */
  gap: number;
  /** gapᵢ / total gap; null when the total gap is 0. */
  share: number | null;
}

/**
 * A target split by segment in proportion to the baseline (targetᵢ = T × baselineᵢ / Σ baseline),
 * unless a split is given; gapᵢ = actualᵢ − targetᵢ, biggest shortfall first.
 */
export function targetGap(items: readonly { segment: string; actual: number; baseline: number; target?: number }[], totalTarget: number): { actual: number; target: number; gap: number; items: GapItem[] } {
  const baseSum = items.reduce((s, x) => s + x.baseline, 0);
  const actual = items.reduce((s, x) => s + x.actual, 0);
  const gap = actual - totalTarget;
  const out = items.map((x) => {
    const t = x.target ?? (baseSum === 0 ? totalTarget / Math.max(1, items.length) : (totalTarget * x.baseline) / baseSum);
    const g = x.actual - t;
    return { segment: x.segment, actual: x.actual, target: t, gap: g, share: gap === 0 ? null : g / gap };
  });
  out.sort((a, b) => a.gap - b.gap || (a.segment < b.segment ? -1 : 1));
  return { actual, target: totalTarget, gap, items: out };
}

export interface RatioItem {
  segment: string;
  num0: number;
  den0: number;
  num1: number;
  den1: number;
}

export interface MixRateItem {
  segment: string;
  w0: number;
  w1: number;
  r0: number | null;
  r1: number | null;
  mix: number;
  rate: number;
  interaction: number;
  /** mix + rate + interaction = w1·r1 − w0·r0. */
  total: number;
}

export interface MixRate {
  r0: number | null;
  r1: number | null;
  delta: number | null;
  mix: number;
  rate: number;
  interaction: number;
  items: MixRateItem[];
}

/**
 * Ratio metric R = Σ wᵢ rᵢ (wᵢ = share of the denominator, rᵢ = numᵢ / denᵢ):
 * ΔR = Σ Δwᵢ·rᵢ⁰ (mix) + Σ wᵢ⁰·Δrᵢ (rate) + Σ Δwᵢ·Δrᵢ (interaction).
 * A segment absent in one period has no rate there; its rate is taken from the other
 * period, so its whole effect is mix (traffic that appeared or vanished).
 * Items are sorted by |total| (largest effect first).
 */
export function mixRate(items: readonly RatioItem[]): MixRate {
  const D0 = items.reduce((s, x) => s + x.den0, 0);
  const D1 = items.reduce((s, x) => s + x.den1, 0);
  const N0 = items.reduce((s, x) => s + x.num0, 0);
  const N1 = items.reduce((s, x) => s + x.num1, 0);
  const out: MixRateItem[] = items.map((x) => {
    const w0 = D0 > 0 ? x.den0 / D0 : 0;
    const w1 = D1 > 0 ? x.den1 / D1 : 0;
    const ownR0 = x.den0 > 0 ? x.num0 / x.den0 : null;
    const ownR1 = x.den1 > 0 ? x.num1 / x.den1 : null;
    const r0 = ownR0 ?? ownR1 ?? 0;
    const r1 = ownR1 ?? ownR0 ?? 0;
    const dw = w1 - w0;
    const dr = r1 - r0;
    const mix = dw * r0;
    const rate = w0 * dr;
    const interaction = dw * dr;
    return { segment: x.segment, w0, w1, r0: ownR0, r1: ownR1, mix, rate, interaction, total: mix + rate + interaction };
  });
  out.sort((a, b) => Math.abs(b.total) - Math.abs(a.total) || (a.segment < b.segment ? -1 : 1));
  const r0 = D0 > 0 ? N0 / D0 : null;
  const r1 = D1 > 0 ? N1 / D1 : null;
  return {
    r0,
    r1,
    delta: r0 === null || r1 === null ? null : r1 - r0,
    mix: out.reduce((s, x) => s + x.mix, 0),
    rate: out.reduce((s, x) => s + x.rate, 0),
    interaction: out.reduce((s, x) => s + x.interaction, 0),
    items: out,
  };
}
