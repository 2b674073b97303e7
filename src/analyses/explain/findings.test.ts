import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev, seedProject } from '../../../test/fixtures/metrics/blueprint.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { upsertMetric } from '../metrics/store.js';
import { parsePeriod, previousPeriod } from '../shared/period.js';
import { addDays } from '../shared/time-zone.js';
import { detectMetricAnomalies } from './anomalies.js';
import { explainChange } from './findings.js';

/**
 * Blueprint "growth" (UTC), 2025-05-05 … 2025-07-13 (10 weeks), evaluated 2025-08-20.
 * Every day, channels a and b each bring 10 new persons with an ad_click; 6 of them sign up
 * (60%). From 2025-07-07 (W28) channel b signs up only 3 of 10 (30%).
 *   signup_conversion W27 = 12 / 20 × 7 days = 0.6; W28 = (6 + 3) / 20 = 0.45 → −15 pp.
 *   mix = 0 (each channel keeps half the clicks); rate = 0.5 × (0.3 − 0.6) = −0.15 (all of it, in b).
 *   Adtributor: moving only b gives (84 − 42 + 21) / 140 = 0.45 → EP 1 → channel, {b}.
 * Orders: every day 10 + (day mod 3) from app 2.0 and 10 from 1.9; on 2025-07-09 (a Wednesday)
 *   version 2.0 has 1 order. Expected Wednesday total 21; 11 is a drop flagged overall and for 2.0
 *   (minimum volume 5 here; with the default 30 the day is scored but not flagged).
 * active_persons is the same every week (140 new persons, each active once): no change → no finding.
 */
const P = 'growth';
let s: TestStorage;
const ctx = () => ({ engine: s.engine, meta: s.meta, now: new Date('2025-08-20T00:00:00Z') });
const W28 = parsePeriod('2025-W28');

beforeAll(async () => {
  s = await openTestStorage('chdb');
  const events = [];
  let person = 0;
  for (let i = 0; i < 70; i++) {
    const day = addDays('2025-05-05', i);
    for (const ch of ['a', 'b']) {
      const signups = ch === 'b' && day >= '2025-07-07' ? 3 : 6;
      for (let k = 0; k < 10; k++) {
        person++;
        events.push(ev(P, person, 'ad_click', `${day}T0${k % 10}:00:00Z`, { channel: ch }));
        if (k < signups) events.push(ev(P, person, 'sign_up', `${day}T0${k % 10}:30:00Z`, { channel: ch }));
      }
    }
    const v20 = day === '2025-07-09' ? 1 : 10 + (i % 3);
    for (let k = 0; k < v20; k++) events.push(ev(P, 1 + ((i * 20 + k) % person), 'order_paid', `${day}T12:00:00Z`, { app_version: '2.0', revenue: 10 }));
    for (let k = 0; k < 10; k++) events.push(ev(P, 1 + ((i * 20 + 10 + k) % person), 'order_paid', `${day}T13:00:00Z`, { app_version: '1.9', revenue: 10 }));
  }
  await seedProject(s, P, events);
  await upsertMetric(s.meta, P, {
    key: 'signup_conversion',
    name: { 'zh-CN': '广告点击-注册转化率', 'en-US': 'Click-to-sign-up conversion' },
    definition: { kind: 'funnel', steps: [{ event: 'ad_click' }, { event: 'sign_up' }], window: { value: 1, unit: 'day' } },
    unit: '%',
    format: 'percent',
    direction: 'higher_is_better',
    countingUnit: 'persons',
    isRate: true,
  });
});
afterAll(async () => s?.close());

describe('findings on real queries', () => {
  it('explains a conversion shift by channel, as rate not mix', async () => {
    const x = await explainChange(ctx(), P, 'signup_conversion', W28, previousPeriod(W28));
    expect(x.shape).toBe('ratio');
    expect(x.comparison.value).toBeCloseTo(0.6, 12);
    expect(x.current.value).toBeCloseTo(0.45, 12);
    expect(x.change.percentagePoints).toBeCloseTo(-15, 9);
    expect(x.empty).toBeUndefined();
    const ranked = x.adtributor!.ranked.map((d) => d.dimension);
    expect(ranked[0]).toBe('channel');
    const mr = x.findings.find((f) => f.kind === 'mix_rate')!;
    expect(mr).toMatchObject({ dimension: 'channel', segment: 'b' });
    expect(mr.numbers.rate).toBeCloseTo(-0.15, 12);
    expect(mr.numbers.mixTotal).toBeCloseTo(0, 12);
    expect(mr.reproduce.queries.length).toBeGreaterThan(0);
  });

  it('says so when a stable metric did not change', async () => {
    const x = await explainChange(ctx(), P, 'active_persons', W28, previousPeriod(W28));
    expect(x.findings).toEqual([]);
    expect(x.empty?.reason).toBe('no_change');
  });

  it('flags the anomaly day overall and for the version, and nothing for stable metrics', async () => {
    const a = await detectMetricAnomalies(ctx(), P, 'orders', W28, { dimensions: [{ property: 'app_version' }], minVolume: 5 });
    // Wednesday expected 21 (same-weekday median), actual 11: residual −10, z = 0.6745 · −10 / 1 = −6.7.
    expect(a.overall.find((d) => d.date === '2025-07-09')).toMatchObject({ expected: 21, residual: -10, flagged: true });
    const flagged = a.findings.map((f) => [f.basis.current.fromDate, f.dimension ?? null, f.segment ?? null]);
    expect(flagged).toContainEqual(['2025-07-09', null, null]);
    expect(flagged).toContainEqual(['2025-07-09', 'app_version', '2.0']);
    expect(flagged.every(([d]) => d === '2025-07-09')).toBe(true);
    expect(a.findings.find((f) => f.segment === '1.9')).toBeUndefined();
    const stable = await detectMetricAnomalies(ctx(), P, 'active_persons', W28, { dimensions: [{ property: 'channel' }] });
    expect(stable.findings).toEqual([]);
    expect(stable.empty?.reason).toBe('nothing_flagged');
  });
});
