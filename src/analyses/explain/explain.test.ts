import { describe, expect, it } from 'vitest';
import { adtributor, jsDivergence } from './adtributor.js';
import { detectAnomalies, robustZ } from './anomaly.js';
import { additiveContributions, mixRate, targetGap } from './decompose.js';

describe('additive contribution (hand-worked)', () => {
  it('splits ΔY into Δyᵢ / ΔY', () => {
    // orders by channel: douyin 100 → 60 (−40), wechat 50 → 60 (+10), organic 50 → 50 (0). ΔY = −30.
    // shares: douyin −40 / −30 = 133.3%, wechat 10 / −30 = −33.3%, organic 0.
    const r = additiveContributions([
      { segment: 'wechat', before: 50, after: 60 },
      { segment: 'douyin', before: 100, after: 60 },
      { segment: 'organic', before: 50, after: 50 },
    ]);
    expect([r.before, r.after, r.delta]).toEqual([200, 170, -30]);
    expect(r.items.map((x) => x.segment)).toEqual(['douyin', 'wechat', 'organic']);
    expect(r.items[0]!.share).toBeCloseTo(4 / 3, 12);
    expect(r.items[1]!.share).toBeCloseTo(-1 / 3, 12);
    expect(r.items.reduce((s, x) => s + x.share!, 0)).toBeCloseTo(1, 12);
  });
  it('splits a target gap by baseline share', () => {
    // target 300 split by baseline 100 / 50 / 50 → 150 / 75 / 75; actual 60 / 60 / 50 → gaps −90, −15, −25; total gap −130.
    const g = targetGap(
      [
        { segment: 'douyin', actual: 60, baseline: 100 },
        { segment: 'wechat', actual: 60, baseline: 50 },
        { segment: 'organic', actual: 50, baseline: 50 },
      ],
      300,
    );
    expect(g.gap).toBe(-130);
    expect(g.items.map((x) => [x.segment, x.target, x.gap])).toEqual([
      ['douyin', 150, -90],
      ['organic', 75, -25],
      ['wechat', 75, -15],
    ]);
  });
});

describe('mix vs rate (hand-worked, Simpson)', () => {
  it('separates traffic mix from behaviour', () => {
    // Before: A 80 visitors, 40 convert (50%); B 20 visitors, 2 convert (10%). R0 = 42 / 100 = 0.42.
    // After:  A 20 visitors, 10 convert (50%); B 80 visitors, 8 convert (10%).  R1 = 18 / 100 = 0.18.
    // No segment's rate changed: rate = 0, interaction = 0; mix = (0.2 − 0.8)·0.5 + (0.8 − 0.2)·0.1 = −0.30 + 0.06 = −0.24 = ΔR.
    const r = mixRate([
      { segment: 'A', num0: 40, den0: 80, num1: 10, den1: 20 },
      { segment: 'B', num0: 2, den0: 20, num1: 8, den1: 80 },
    ]);
    expect(r.delta).toBeCloseTo(-0.24, 12);
    expect(r.mix).toBeCloseTo(-0.24, 12);
    expect(r.rate).toBeCloseTo(0, 12);
    expect(r.interaction).toBeCloseTo(0, 12);
  });
  it('rate and interaction terms', () => {
    // Before: A 50/100 (0.5), B 10/100 (0.1); R0 = 0.30. After: A 60/150 (0.4), B 10/50 (0.2); R1 = 70/200 = 0.35.
    // w0 = .5/.5, w1 = .75/.25. A: mix .25·.5 = .125, rate .5·(−.1) = −.05, inter .25·(−.1) = −.025 → .05.
    // B: mix −.25·.1 = −.025, rate .5·.1 = .05, inter −.25·.1 = −.025 → 0.
    // mix .125 − .025 = .1; rate −.05 + .05 = 0; interaction −.05; Σ = .05 = ΔR.
    const r = mixRate([
      { segment: 'A', num0: 50, den0: 100, num1: 60, den1: 150 },
      { segment: 'B', num0: 10, den0: 100, num1: 10, den1: 50 },
    ]);
    expect(r.mix).toBeCloseTo(0.1, 12);
    expect(r.rate).toBeCloseTo(0, 12);
    expect(r.interaction).toBeCloseTo(-0.05, 12);
    expect(r.mix + r.rate + r.interaction).toBeCloseTo(r.delta!, 12);
    // A new segment is pure mix.
    const n = mixRate([
      { segment: 'A', num0: 10, den0: 100, num1: 10, den1: 100 },
      { segment: 'new', num0: 0, den0: 0, num1: 50, den1: 100 },
    ]);
    expect(n.items.find((x) => x.segment === 'new')).toMatchObject({ rate: 0, interaction: 0, mix: 0.25 });
  });
});

describe('Adtributor (hand-worked)', () => {
  it('JS divergence', () => {
    expect(jsDivergence(0.5, 0.5)).toBe(0);
    expect(jsDivergence(1, 0)).toBeCloseTo(0.5, 12); // ½·1·log₂(1 / 0.5)
  });
  it('picks the dimension where a few values explain the drop', () => {
    // Revenue 300 → 200 (ΔY = −100).
    // channel: douyin 150 → 60 (EP 0.9), wechat 100 → 90 (EP 0.1), organic 50 → 50 (EP 0).
    //   S(douyin) = JS(0.5, 0.3) ≈ 0.0290 is the largest; EP 0.9 > 0.1 → chosen; Σ EP 0.9 > 0.67 → explains.
    // region: north 150 → 100, south 150 → 100 (EP 0.5 each, surprise 0) → chosen in order (name):
    //   north 0.5, south → Σ 1.0 > 0.67 → also explains, but with summed surprise 0 it ranks below channel.
    // device: ios 200 → 140 (EP .6), android 100 → 60 (EP .4): shares 2/3 → .7 and 1/3 → .3, surprise > 0, Σ EP 1.0.
    const r = adtributor([
      { dimension: 'region', elements: [{ value: 'north', forecast: 150, actual: 100 }, { value: 'south', forecast: 150, actual: 100 }] },
      { dimension: 'channel', elements: [{ value: 'douyin', forecast: 150, actual: 60 }, { value: 'wechat', forecast: 100, actual: 90 }, { value: 'organic', forecast: 50, actual: 50 }] },
    ]);
    expect(r.ranked.map((d) => d.dimension)).toEqual(['channel', 'region']);
    expect(r.ranked[0]!.chosen.map((e) => e.value)).toEqual(['douyin']);
    expect(r.ranked[0]!.chosen[0]!.ep).toBeCloseTo(0.9, 12);
    expect(r.ranked[0]!.surprise).toBeCloseTo(jsDivergence(0.5, 0.3), 12);
    // A dimension whose values all moved a little (EP ≤ 0.1 each) cannot explain: rejected.
    const flat = adtributor([{ dimension: 'app_version', elements: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, forecast: 30, actual: 20 })) }]);
    expect(flat.ranked).toEqual([]);
    expect(flat.rejected[0]).toMatchObject({ dimension: 'app_version', explanatoryPower: 0 });
  });
  it('handles ratio metrics through their parts', () => {
    // conversion: A 40/80 → 10/20, B 2/20 → 8/80 (the Simpson case: R .42 → .18).
    // Moving only A: (42 − 40 + 10) / (100 − 80 + 20) = 12 / 40 = .30 → EP (.30 − .42) / (.18 − .42) = .5.
    // Moving only B: (42 − 2 + 8) / (100 − 20 + 80) = 48 / 160 = .30 → EP .5. Both chosen; Σ 1.0.
    const r = adtributor([
      {
        dimension: 'channel',
        elements: [
          { value: 'A', forecast: 0.5, actual: 0.5, parts: { num0: 40, den0: 80, num1: 10, den1: 20 } },
          { value: 'B', forecast: 0.1, actual: 0.1, parts: { num0: 2, den0: 20, num1: 8, den1: 80 } },
        ],
      },
    ]);
    expect(r.forecast).toBeCloseTo(0.42, 12);
    expect(r.ranked[0]!.chosen.map((e) => e.ep)).toEqual([expect.closeTo(0.5, 12), expect.closeTo(0.5, 12)]);
  });
});

describe('anomalies (hand-worked)', () => {
  it('robust z', () => {
    // sample 1..5: median 3, |dev| 2,1,0,1,2 → MAD 1; x = 10 → 0.6745 · 7 = 4.7215.
    expect(robustZ(10, [1, 2, 3, 4, 5])).toBeCloseTo(4.7215, 4);
  });
  it('removes the weekly pattern, flags the drop and respects the minimum volume', () => {
    // 10 weeks from Monday 2025-05-05: weekdays 100, weekends 40, plus a ±2 wobble by week parity.
    // A weekend of 40 is normal (same-weekday median), so no flag; Wednesday 2025-07-09 falls to 50 → flagged down.
    const points = [];
    for (let i = 0; i < 70; i++) {
      const date = new Date(Date.UTC(2025, 4, 5 + i)).toISOString().slice(0, 10);
      const wd = i % 7;
      let value = (wd >= 5 ? 40 : 100) + (Math.floor(i / 7) % 2 ? 2 : -2) + (wd === 2 ? 1 : 0);
      if (date === '2025-07-09') value = 50;
      points.push({ date, value });
    }
    const scored = detectAnomalies(points, { from: '2025-07-07', to: '2025-07-13' });
    expect(scored).toHaveLength(7);
    expect(scored.filter((d) => d.flagged).map((d) => [d.date, d.direction])).toEqual([['2025-07-09', 'down']]);
    expect(scored.find((d) => d.date === '2025-07-12')).toMatchObject({ flagged: false, reason: 'within_threshold' });
    // The same shape at a tenth of the volume is below the minimum volume: scored but not flagged.
    const small = detectAnomalies(points.map((p) => ({ ...p, value: p.value / 10 })), { from: '2025-07-07', to: '2025-07-13' });
    expect(small.filter((d) => d.flagged)).toEqual([]);
    expect(small.find((d) => d.date === '2025-07-09')?.reason).toBe('below_min_volume');
  });
});
