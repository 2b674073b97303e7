import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numberPersons } from '../../../test/fixtures/analyses/events.js';
import { ev, personId, seedProject } from '../../../test/fixtures/metrics/blueprint.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { parsePeriod } from '../shared/period.js';
import { evaluateMetric, evaluateMetricBy, npsInterval } from './api.js';
import { BUILTINS } from './catalogue.js';
import { createEvaluator, MetricEvaluator, TOTAL } from './evaluate.js';
import type { AtomEnv, Segment } from './segment.js';
import { compileAtom } from './compile.js';
import { compileAtomMulti } from './compile-multi.js';
import { TWO_STEP_OVERFLOW, twoStepFunnel } from './funnel-two-step.js';
import { compile } from '../../sql/index.js';
import { evaluateFormula, parseFormula, ratioParts } from './formula.js';
import { upsertMetric, validateDictionary } from './store.js';

/**
 * Blueprint "shop" (UTC), week 2025-W28 = 2025-07-07 … 07-13, evaluated on 2025-08-20.
 *  p1: first seen 07-01 (douyin). 07-07 add_to_cart 10:00, order_paid 100 11:00, 07-09 order_paid 50 (douyin).
 *  p2: first seen 07-07 app_launch (wechat); 07-08 app_launch + order_paid 200 (wechat); 07-10 order_refunded 30 (wechat).
 *  p3: first seen 07-08 app_launch (douyin); 07-09 app_launch, add_to_cart (douyin), never pays.
 *  p4: first seen 07-10 sign_up (wechat); 07-10 survey 3.
 *  p5: first seen 07-12 survey 10 (no channel).
 *  (regions: p1 cn-bj, p2 cn-sh; p3 mobile — only the multi-dimension test reads them)
 *  ad spend: 07-07 douyin 100 / 10 000 impressions / 200 clicks; 07-08 wechat 50 / 5 000 / 50.
 * Worked out:
 *  new_persons = p2, p3, p4, p5 = 4 (wechat 2: p2, p4; douyin 1; $none 1). active_persons = 5.
 *  orders = 3; gmv = 100 + 50 + 200 − 30 = 320 (douyin 150, wechat 170); aov = 320 / 3;
 *  paying_customers = 2; 客单价 = 160; repurchase_rate = 1 / 2 (p1 ordered twice).
 *  dau: 07-07 {p1,p2}, 07-08 {p2,p3}, 07-09 {p1,p3}, 07-10 {p2,p4}, 07-11 ∅, 07-12 {p5}, 07-13 ∅ → 9 / 7.
 *  d1_retention: cohorts p2 07-07 (back 07-08 ✓), p3 07-08 (07-09 ✓), p4 07-10 (✗), p5 07-12 (✗) → 2 / 4.
 *  cart_conversion: p1 (pays 1 h later ✓), p3 (✗) → 1 / 2.
 *  spend 150, ctr 250 / 15 000, cpm 10, cpc 0.6; paid_signups 1 → cpa 150;
 *  new_customers_paid p1 (douyin), p2 (wechat) → cac 75; revenue_paid 350 → roas 350 / 150.
 *  nps: scores 3 and 10 → p = d = 0.5 → 0, SE = 100 √(1 / 2) = 70.71.
 */
const P = 'shop';
let s: TestStorage;
const ctx = () => ({ engine: s.engine, meta: s.meta, now: new Date('2025-08-20T00:00:00Z') });
const W28 = parsePeriod('2025-W28');

beforeAll(async () => {
  s = await openTestStorage('chdb');
  await seedProject(
    s,
    P,
    [
      ev(P, 1, 'app_launch', '2025-07-01T09:00:00Z', { channel: 'douyin', region: 'cn-bj' }),
      ev(P, 1, 'add_to_cart', '2025-07-07T10:00:00Z', { channel: 'douyin', region: 'cn-bj' }),
      ev(P, 1, 'order_paid', '2025-07-07T11:00:00Z', { channel: 'douyin', region: 'cn-bj', revenue: 100 }),
      ev(P, 1, 'order_paid', '2025-07-09T11:00:00Z', { channel: 'douyin', region: 'cn-bj', revenue: 50 }),
      ev(P, 2, 'app_launch', '2025-07-07T08:00:00Z', { channel: 'wechat', region: 'cn-sh' }),
      ev(P, 2, 'app_launch', '2025-07-08T08:00:00Z', { channel: 'wechat', region: 'cn-sh' }),
      ev(P, 2, 'order_paid', '2025-07-08T09:00:00Z', { channel: 'wechat', region: 'cn-sh', revenue: 200 }),
      ev(P, 2, 'order_refunded', '2025-07-10T09:00:00Z', { channel: 'wechat', region: 'cn-sh', refund_amount: 30 }),
      ev(P, 3, 'app_launch', '2025-07-08T12:00:00Z', { channel: 'douyin', device_type: 'mobile' }),
      ev(P, 3, 'app_launch', '2025-07-09T12:00:00Z', { channel: 'douyin', device_type: 'mobile' }),
      ev(P, 3, 'add_to_cart', '2025-07-09T12:30:00Z', { channel: 'douyin', device_type: 'mobile' }),
      ev(P, 4, 'sign_up', '2025-07-10T10:00:00Z', { channel: 'wechat' }),
      ev(P, 4, 'survey_response', '2025-07-10T11:00:00Z', { score: 3 }),
      ev(P, 5, 'survey_response', '2025-07-12T11:00:00Z', { score: '10' }),
    ],
    [
      { date: '2025-07-07', channel: 'douyin', impressions: 10000, clicks: 200, cost: 100 },
      { date: '2025-07-08', channel: 'wechat', impressions: 5000, clicks: 50, cost: 50 },
    ],
  );
});
afterAll(async () => s?.close());

describe('formulas', () => {
  it('parses, evaluates and finds ratio parts', () => {
    const e = parseFormula('spend / impressions * 1000');
    expect(evaluateFormula(e, (n) => ({ spend: 150, impressions: 15000 })[n] ?? null)).toBe(10);
    expect(ratioParts(e)?.scale).toBe(1000);
    expect(evaluateFormula(parseFormula('a / b'), (n) => (n === 'a' ? 1 : 0))).toBeNull();
    expect(evaluateFormula(parseFormula('-(a - 2) * 3'), () => 5)).toBe(-9);
    expect(() => parseFormula('a + ')).toThrow();
    expect(() => parseFormula('a; drop')).toThrow();
  });
  it('validates the built-in catalogue and refuses cycles', () => {
    const dict = new Map(BUILTINS);
    expect(() => validateDictionary(dict)).not.toThrow();
    dict.set('x', { ...BUILTINS.get('aov')!, key: 'x', definition: { kind: 'formula', formula: 'y + 1' } });
    dict.set('y', { ...BUILTINS.get('aov')!, key: 'y', definition: { kind: 'formula', formula: 'x * 2' } });
    expect(() => validateDictionary(dict)).toThrow(/loop/);
  });
});

describe('built-in metrics on the blueprint', () => {
  const cases: [string, number][] = [
    ['new_persons', 4],
    ['active_persons', 5],
    ['orders', 3],
    ['gmv', 320],
    ['aov', 320 / 3],
    ['paying_customers', 2],
    ['revenue_per_customer', 160],
    ['repurchase_rate', 0.5],
    ['dau', 9 / 7],
    ['d1_retention', 0.5],
    ['cart_conversion', 0.5],
    ['spend', 150],
    ['ctr', 250 / 15000],
    ['cpm', 10],
    ['cpc', 0.6],
    ['cpa', 150],
    ['cac', 75],
    ['roas', 350 / 150],
    ['nps', 0],
    ['arpu', 64],
    ['paying_conversion', 0.4],
  ];
  it.each(cases)('%s', async (key, expected) => {
    const r = await evaluateMetric(ctx(), P, key, W28);
    expect(r.value).toBeCloseTo(expected, 9);
    expect(r.counted.complete).toBe(true);
    expect(r.queries.length).toBeGreaterThan(0);
  });

  it('gives NPS its interval', async () => {
    const r = await evaluateMetric(ctx(), P, 'nps', W28);
    expect(r.interval?.se).toBeCloseTo(70.7107, 3);
    // METRICS.md: n = 1000, p = 0.25, d = 0.075 → SE = 100 √((0.325 − 0.030625) / 1000) = 1.7157; ± 1.96 SE = ± 3.4
    expect(npsInterval(1000, 250, 75)?.se).toBeCloseTo(1.7157, 3);
    expect(1.96 * npsInterval(1000, 250, 75)!.se).toBeCloseTo(3.4, 1);
  });

  it('computes a metric for one dimension value and by every value', async () => {
    expect((await evaluateMetric(ctx(), P, 'gmv', W28, { dimension: { property: 'channel', value: 'wechat' } })).value).toBe(170);
    expect((await evaluateMetric(ctx(), P, 'gmv', W28, { dimension: { property: 'channel', value: 'nowhere' } })).value).toBe(0);
    const by = await evaluateMetricBy(ctx(), P, 'new_persons', W28, { property: 'channel' });
    expect(by.segments.map((x) => [x.segment, x.value])).toEqual([
      ['douyin', 1],
      ['wechat', 2],
      ['$none', 1],
    ]);
    const aov = await evaluateMetricBy(ctx(), P, 'aov', W28, { property: 'channel' });
    expect(aov.segments.find((x) => x.segment === 'douyin')).toMatchObject({ value: 75, numerator: 150, denominator: 2 });
    await expect(evaluateMetric(ctx(), P, 'spend', W28, { dimension: { property: 'region', value: 'x' } })).rejects.toThrow(/channel and campaign/);
  });

  it('prefetches several dimensions in one query per atom with the same numbers as one query per dimension', async () => {
    // Every built-in metric, by channel / region / campaign / device over the week and day by day:
    // the batched query (ARRAY JOIN of tagged segments) must give exactly the rows the
    // one-dimension queries give; dimensions an atom cannot be split by are left alone.
    const dims: Segment[] = ['channel', 'region', 'campaign', 'device_type'].map((property) => ({ property, type: 'event' }));
    const daily: Segment[] = [{ property: '', type: 'event', byDay: true }, ...dims.map((d) => ({ ...d, byDay: true }))];
    const read = async (ev: Awaited<ReturnType<typeof createEvaluator>>, key: string, d: Segment) => {
      try {
        return [...(await ev.values(key, d)).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
      } catch (e) {
        return (e as Error).message;
      }
    };
    for (const key of BUILTINS.keys()) {
      for (const set of [dims, daily]) {
        const batched = await createEvaluator(ctx(), P, W28);
        await batched.prefetch(key, set);
        const single = await createEvaluator(ctx(), P, W28);
        for (const d of set) expect([key, d.property, d.byDay, await read(batched, key, d)]).toEqual([key, d.property, d.byDay, await read(single, key, d)]);
        if (set === dims && !['spend', 'ctr', 'cpm', 'cpc', 'wau', 'mau', 'stickiness'].includes(key)) expect(batched.queries.length).toBeLessThan(single.queries.length);
      }
    }
  });

  it('answers the total from the batched query when TOTAL is prefetched with the dimensions', async () => {
    // Every built-in metric: the whole project's value read after prefetch([TOTAL, …]) is
    // the value a lone total query gives, and reading it runs no further query (the report
    // asks for each rate's total, then for its shifts by dimension).
    const dims: Segment[] = ['channel', 'region', 'campaign', 'device_type'].map((property) => ({ property, type: 'event' }));
    for (const key of BUILTINS.keys()) {
      const batched = await createEvaluator(ctx(), P, W28);
      await batched.prefetch(key, [TOTAL, ...dims]);
      const ran = batched.trace.length;
      const total = await batched.total(key);
      const single = await createEvaluator(ctx(), P, W28);
      expect([key, total]).toEqual([key, await single.total(key)]);
      if (!['spend', 'impressions', 'clicks', 'ctr', 'cpm', 'cpc', 'wau', 'mau', 'stickiness'].includes(key)) expect([key, batched.trace.length]).toEqual([key, ran]);
    }
  });

  /** Seeds a project whose person 6 was merged into person 7 after its events were written. */
  async function seedMerged(project: string, events: ReturnType<typeof ev>[]) {
    await seedProject(s, project, events);
    await s.engine.insert('person_overrides', [{ project_id: project, old_person_id: personId(6), override_person_id: personId(7), version: 1 }]);
  }

  /** A metric's values by segment from one batched query (prefetch) over `segments`. */
  async function batchedValues(project: string, key: string, segments: Segment[]) {
    const batched = await createEvaluator(ctx(), project, W28);
    await batched.prefetch(key, segments);
    return async (d: Segment) => [...(await batched.values(key, d)).entries()].map(([k, v]) => [k, v.value]).sort();
  }

  it('new persons see identity merges, in one query per dimension and batched', async () => {
    // Project "merge": p6 (anonymous, douyin) launches 07-01, then signs up as p7 on 07-08
    // (wechat) and p6 → p7 is merged; p8 (baidu) first appears 07-09. In W28 only p8 is new:
    // the merged person was first seen 07-01 (and on douyin, their first event's channel).
    const M = 'merge';
    await seedMerged(M, [
      ev(M, 6, 'app_launch', '2025-07-01T09:00:00Z', { channel: 'douyin' }),
      ev(M, 7, 'sign_up', '2025-07-08T09:00:00Z', { channel: 'wechat' }),
      ev(M, 8, 'app_launch', '2025-07-09T09:00:00Z', { channel: 'baidu' }),
    ]);
    expect((await evaluateMetric(ctx(), M, 'new_persons', W28)).value).toBe(1);
    const by = await evaluateMetricBy(ctx(), M, 'new_persons', W28, { property: 'channel' });
    expect(by.segments.map((x) => [x.segment, x.value])).toEqual([['baidu', 1]]);
    const values = await batchedValues(M, 'new_persons', [{ property: 'channel', type: 'event' }, { property: '', type: 'event', byDay: true }]);
    expect(await values({ property: 'channel', type: 'event' })).toEqual([['baidu', 1]]);
    expect(await values({ property: '', type: 'event', byDay: true })).toEqual([['2025-07-09|', 1]]);
  });

  it('counts a merged person once in active persons, in one query per dimension and batched', async () => {
    // Project "merge2": p6 (anonymous) launches on douyin 07-08, signs up as p7 on wechat the
    // same day (p6 → p7 merged), and p7 launches on douyin 07-09. W28 has one active person,
    // active on douyin and on wechat (per-person rows are grouped before persons are resolved).
    const M = 'merge2';
    await seedMerged(M, [
      ev(M, 6, 'app_launch', '2025-07-08T09:00:00Z', { channel: 'douyin' }),
      ev(M, 7, 'sign_up', '2025-07-08T09:05:00Z', { channel: 'wechat' }),
      ev(M, 7, 'app_launch', '2025-07-09T09:00:00Z', { channel: 'douyin' }),
    ]);
    expect((await evaluateMetric(ctx(), M, 'active_persons', W28)).value).toBe(1);
    const by = await evaluateMetricBy(ctx(), M, 'active_persons', W28, { property: 'channel' });
    expect(by.segments.map((x) => [x.segment, x.value]).sort()).toEqual([['douyin', 1], ['wechat', 1]]);
    const values = await batchedValues(M, 'active_persons', [{ property: 'channel', type: 'event' }, { property: '', type: 'event', byDay: true }]);
    expect(await values({ property: 'channel', type: 'event' })).toEqual([['douyin', 1], ['wechat', 1]]);
    expect(await values({ property: '', type: 'event', byDay: true })).toEqual([['2025-07-08|', 1], ['2025-07-09|', 1]]);
  });

  it('counts distinct persons from the hourly bitmaps with the numbers of a scan of events', async () => {
    // Every person math, whole period and day by day, one dimension and several, on the shop
    // blueprint and on "merge3" (as "merge2" above: p6 merged into p7 after its events, one person).
    await seedMerged('merge3', [
      ev('merge3', 6, 'app_launch', '2025-07-08T09:00:00Z', { channel: 'douyin' }),
      ev('merge3', 7, 'sign_up', '2025-07-08T09:05:00Z', { channel: 'wechat' }),
      ev('merge3', 7, 'app_launch', '2025-07-09T09:00:00Z', { channel: 'douyin' }),
    ]);
    // In UTC the any-event counts read whole UTC days (migration 0004); in Shanghai the days
    // of a period inside its edges, or hours only when split by local day.
    // Local days fromDate … toDate (inclusive) in UTC or Shanghai (+8 h).
    const env = (project: string, timeZone = 'UTC', fromDate = '2025-07-07', toDate = '2025-07-13'): AtomEnv => {
      const shift = timeZone === 'UTC' ? 0 : 8 * 3_600_000;
      const at = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - shift);
      return { projectId: project, timeZone, from: at(fromDate), to: new Date(at(toDate).getTime() + 86_400_000), fromDate, toDate, asOfDate: '2025-08-19' };
    };
    const channel: Segment = { property: 'channel', type: 'event' };
    const region: Segment = { property: 'region', type: 'event' };
    const day: Segment = { property: '', type: 'event', byDay: true };
    const rows = async (atom: Parameters<typeof compileAtom>[0], e: AtomEnv) => {
      const q = compile(e.segments ? compileAtomMulti(atom, e as AtomEnv & { segments: Segment[] }) : compileAtom(atom, e));
      expect(/active_persons_(hourly|any_)/.test(q.sql)).toBe(!e.eventsOnly);
      const r = await s.engine.query<{ seg: string; num: number; den: number; unnumbered?: number }>(q);
      if (!e.eventsOnly) expect(r.every((x) => Number(x.unnumbered) === 0)).toBe(true);
      return r.map((x) => [x.seg, Number(x.num), Number(x.den)]).sort();
    };
    for (const [project, timeZone] of [[P, 'UTC'], ['merge3', 'UTC'], [P, 'Asia/Shanghai'], ['merge3', 'Asia/Shanghai']] as const) {
      for (const math of ['unique_persons', 'dau', 'wau', 'mau'] as const) {
        for (const event of ['$any', 'app_launch']) {
          const atom = { kind: 'series' as const, series: { event, math, filters: [], paidChannelsOnly: false } } as Parameters<typeof compileAtom>[0];
          const e = env(project, timeZone);
          const cases: AtomEnv[] = [e, { ...e, segment: channel }, { ...e, segment: { ...channel, value: 'douyin' } }, { ...e, segments: [channel, region] }];
          if (math === 'unique_persons' || math === 'dau') cases.push({ ...e, segment: day }, { ...e, segment: { ...channel, byDay: true } }, { ...e, segments: [day, { ...region, byDay: true }] });
          for (const c of cases) {
            const label = [project, timeZone, math, event, c.segment ?? c.segments ?? null];
            expect([...label, await rows(atom, c)]).toEqual([...label, await rows(atom, { ...c, eventsOnly: true })]);
          }
        }
      }
    }
    // A range holding the whole UTC month of July 2025 (its events all lie in that month)
    // reads the month from the monthly rollup (migration 0006), in UTC and in Shanghai.
    for (const [project, timeZone] of [[P, 'UTC'], ['merge3', 'UTC'], [P, 'Asia/Shanghai'], ['merge3', 'Asia/Shanghai']] as const) {
      for (const math of ['unique_persons', 'mau'] as const) {
        const atom = { kind: 'series' as const, series: { event: '$any', math, filters: [], paidChannelsOnly: false } } as Parameters<typeof compileAtom>[0];
        const e = env(project, timeZone, '2025-06-28', '2025-08-03');
        for (const c of [e, { ...e, segment: channel }, { ...e, segments: [channel, region] }]) {
          const q = compile(c.segments ? compileAtomMulti(atom, c as AtomEnv & { segments: Segment[] }) : compileAtom(atom, c));
          if (math === 'unique_persons') expect(q.sql).toContain('active_persons_any_monthly');
          const label = [project, timeZone, math, 'month', c.segment ?? c.segments ?? null];
          expect([...label, await rows(atom, c)]).toEqual([...label, await rows(atom, { ...c, eventsOnly: true })]);
        }
      }
    }
    // The hand-worked numbers hold: shop DAU 9 / 7; merge2 one active person.
    expect(await rows({ kind: 'series', series: { event: '$any', math: 'dau', filters: [], paidChannelsOnly: false } } as Parameters<typeof compileAtom>[0], env(P))).toEqual([['', 9, 7]]);
    expect(await rows({ kind: 'series', series: { event: '$any', math: 'unique_persons', filters: [], paidChannelsOnly: false } } as Parameters<typeof compileAtom>[0], env('merge3'))).toEqual([['', 1, 1]]);
    // Events written around the writer (no person numbers): p1 and p2, 300 launches each in one
    // hour (so the probe finds the bitmaps cheaper: 1 state for 600 events). The bitmaps meet
    // number 0 and the evaluator reads events instead: probe, bitmaps, events.
    const R = 'unnumbered';
    await s.meta.query(`INSERT INTO projects (id, name, time_zone, settings) VALUES ($1, $1, 'UTC', '{}')`, [R]);
    const at = (k: number) => new Date(Date.parse('2025-07-08T09:00:00Z') + k * 1000).toISOString();
    await s.engine.insert('events', Array.from({ length: 600 }, (_, k) => ev(R, 1 + (k % 2), 'app_launch', at(k), {})));
    const evaluator = await createEvaluator(ctx(), R, W28);
    expect((await evaluator.total('active_persons')).value).toBe(2);
    const bitmaps = (q: { sql: string }) => /active_persons_(hourly|any_)/.test(q.sql);
    expect(evaluator.trace.map(bitmaps)).toEqual([true, true, false]);
    // …and a finding's reproduction lists only the read the numbers came from.
    expect(evaluator.queries.map(bitmaps)).toEqual([false]);
    // Tiny numbered data: the probe finds events cheaper (a state per event), so probe, events.
    const tiny = await createEvaluator(ctx(), P, W28);
    expect((await tiny.total('active_persons')).value).toBe(5);
    expect(tiny.trace.map(bitmaps)).toEqual([true, false]);
  });

  it('reads first-time counts from person_first_events with the numbers of a scan of all events', async () => {
    // new_persons without filters reads the table the events' view keeps; the same series
    // with an always-true filter (every event has a name) has to scan every event since
    // 1970. Both must give the blueprint's 4 (wechat 2, douyin 1, $none 1) and agree on every
    // dimension, day by day and batched.
    const base = BUILTINS.get('new_persons')!;
    const scan = { ...base, key: 'new_persons_scan', definition: { kind: 'trends' as const, series: [{ event: '$any', math: 'first_time' as const, filters: [{ property: 'event', op: 'is_set' as const }] }] } };
    await upsertMetric(s.meta, P, scan);
    const table = await createEvaluator(ctx(), P, W28);
    expect((await table.total('new_persons')).value).toBe(4);
    expect(table.queries.map((q) => q.sql).join('\n')).toContain('person_first_events');
    const scanned = await createEvaluator(ctx(), P, W28);
    expect((await scanned.total('new_persons_scan')).value).toBe(4);
    expect(scanned.queries.map((q) => q.sql).join('\n')).not.toContain('person_first_events');
    const dims: Segment[] = ['channel', 'region', 'device_type'].map((property) => ({ property, type: 'event' }));
    for (const set of [dims, dims.map((d) => ({ ...d, byDay: true })), [{ property: '', type: 'event' as const, byDay: true }]]) {
      const a = await createEvaluator(ctx(), P, W28);
      const b = await createEvaluator(ctx(), P, W28);
      await a.prefetch('new_persons', set);
      await b.prefetch('new_persons_scan', set);
      for (const d of set) {
        const rows = async (ev: typeof a, key: string) => [...(await ev.values(key, d)).entries()].map(([k, v]) => [k, v.value]).sort();
        expect(await rows(a, 'new_persons')).toEqual(await rows(b, 'new_persons_scan'));
        // …and the one-dimension query (compile.ts) as well.
        const single = await createEvaluator(ctx(), P, W28);
        expect(await rows(single, 'new_persons')).toEqual(await rows(a, 'new_persons'));
      }
    }
    const byChannel = await evaluateMetricBy(ctx(), P, 'new_persons', W28, { property: 'channel' });
    expect(byChannel.segments.map((x) => [x.segment, x.value]).sort()).toEqual([['$none', 1], ['douyin', 1], ['wechat', 2]]);
    await s.meta.query(`DELETE FROM metrics WHERE project_id = $1`, [P]);
  });

  it('does not count a returning person as new while their first-event rows are not merged', async () => {
    // Project "back": p1 first seen 07-01 (douyin), back on 07-08 (wechat) in a later insert,
    // so person_first_events holds two rows for p1 until its parts merge (07-01 and 07-08).
    // p2 is first seen 07-09. W28's new persons: p2 alone → 1 (wechat 0, baidu 1), whatever
    // the merges have done; by day 07-09 → 1.
    const B = 'back';
    await seedProject(s, B, [ev(B, 1, 'app_launch', '2025-07-01T09:00:00Z', { channel: 'douyin' })]);
    await numberPersons(s.engine, B, [personId(2)]);
    await s.engine.insert('events', [ev(B, 1, 'app_launch', '2025-07-08T09:00:00Z', { channel: 'wechat' }), ev(B, 2, 'app_launch', '2025-07-09T09:00:00Z', { channel: 'baidu' })]);
    const rows = await s.engine.query<{ n: number }>({ sql: `SELECT count() AS n FROM person_first_events WHERE project_id = 'back' AND event = '$any'`, params: {} });
    expect(Number(rows[0]!.n)).toBe(3); // unmerged: the case under test
    const e = await createEvaluator(ctx(), B, W28);
    expect((await e.total('new_persons')).value).toBe(1);
    const channel: Segment = { property: 'channel', type: 'event' };
    const day: Segment = { property: '', type: 'event', byDay: true };
    await e.prefetch('new_persons', [TOTAL, channel, day]);
    expect([...(await e.values('new_persons', channel)).entries()].map(([k, v]) => [k, v.value])).toEqual([['baidu', 1]]);
    expect([...(await e.values('new_persons', day)).entries()].map(([k, v]) => [k, v.value])).toEqual([['2025-07-09|', 1]]);
    const single = await createEvaluator(ctx(), B, W28);
    expect([...(await single.values('new_persons', channel)).entries()].map(([k, v]) => [k, v.value])).toEqual([['baidu', 1]]);
  });

  it('gives the same two-step funnel rows through the array forms as through windowFunnel', async () => {
    // Project "fun2" (Asia/Shanghai: local midnight is 16:00Z), W28 = 07-06T16:00Z … 07-13T16:00Z,
    // view → call within 1 hour:
    //  p1 view and call at the same millisecond → converted (windowFunnel sorts the first step first);
    //  p2 call exactly 1 h after → converted (the window's edge counts); p3 1 h + 1 ms → not;
    //  p4 view 23:30 local, call 00:10 the next local day → converted per person, not per day;
    //  p5 views on wechat then douyin, call after the second → converted, segment wechat;
    //  p6 call before the view → not; p7 view 23:50 on the last day, call 20 min after the
    //  period's end → converted per person (calls count up to the end + the window), not per day;
    //  p8 only after the period → not an entry; p9 (baidu, anonymous) views and p10 calls,
    //  merged p9 → p10 → one converted person; p11 views on 07-09 (no call) and 07-10 (call);
    //  p12 (wechat view 02:00Z) merged into p13 (douyin view 01:00Z, call 02:30Z): both of the
    //  merged persons entered, the earlier entry (p13's, douyin) gives the segment → converted.
    // Per person: 10 entered (p1–p7, p9/10, p11, p12/13), 8 converted (p1, p2, p4, p5, p7, p9/10, p11, p12/13).
    const F = 'fun2';
    const v = (n: number, at: string, channel = 'douyin') => ev(F, n, 'anchor_wall_view', at, { channel, region: n % 2 ? 'cn-bj' : 'cn-sh' });
    const c = (n: number, at: string) => ev(F, n, 'robot_call', at, { channel: 'douyin' });
    await seedProject(
      s,
      F,
      [
        v(1, '2025-07-08T01:00:00.000Z'), c(1, '2025-07-08T01:00:00.000Z'),
        v(2, '2025-07-08T02:00:00.000Z'), c(2, '2025-07-08T03:00:00.000Z'),
        v(3, '2025-07-08T02:00:00.000Z'), c(3, '2025-07-08T03:00:00.001Z'),
        v(4, '2025-07-08T15:30:00.000Z'), c(4, '2025-07-08T16:10:00.000Z'),
        v(5, '2025-07-08T05:00:00.000Z', 'wechat'), v(5, '2025-07-08T06:00:00.000Z'), c(5, '2025-07-08T06:30:00.000Z'),
        c(6, '2025-07-08T04:00:00.000Z'), v(6, '2025-07-08T04:30:00.000Z'),
        v(7, '2025-07-13T15:50:00.000Z'), c(7, '2025-07-13T16:20:00.000Z'),
        v(8, '2025-07-13T16:30:00.000Z'), c(8, '2025-07-13T16:40:00.000Z'),
        v(9, '2025-07-09T01:00:00.000Z', 'baidu'), c(10, '2025-07-09T01:20:00.000Z'),
        v(11, '2025-07-09T01:00:00.000Z'), v(11, '2025-07-10T01:00:00.000Z'), c(11, '2025-07-10T01:30:00.000Z'),
        v(12, '2025-07-11T02:00:00.000Z', 'wechat'), v(13, '2025-07-11T01:00:00.000Z'), c(13, '2025-07-11T02:30:00.000Z'),
      ],
      [],
      {},
      'Asia/Shanghai',
    );
    await s.engine.insert('person_overrides', [
      { project_id: F, old_person_id: personId(9), override_person_id: personId(10), version: 1 },
      { project_id: F, old_person_id: personId(12), override_person_id: personId(13), version: 1 },
    ]);
    const funnel = { kind: 'funnel' as const, order: 'ordered' as const, steps: [{ event: 'anchor_wall_view', filters: [] }, { event: 'robot_call', filters: [] }], window: { value: 1, unit: 'hour' as const } };
    const env: AtomEnv = {
      projectId: F,
      timeZone: 'Asia/Shanghai',
      from: new Date('2025-07-06T16:00:00Z'),
      to: new Date('2025-07-13T16:00:00Z'),
      fromDate: '2025-07-07',
      toDate: '2025-07-13',
      asOfDate: '2025-08-19',
    };
    const run = async (e: AtomEnv) => {
      const q = compile(e.segments ? compileAtomMulti(funnel, e as AtomEnv & { segments: Segment[] }) : compileAtom(funnel, e));
      // The array form serves daily series and per-person levels by event dimensions (see
      // funnel-two-step.ts); person properties are not on the events, so windowFunnel.
      const arrays = !e.windowFunnelOnly && ![e.segment, ...(e.segments ?? [])].some((g) => g?.type === 'person');
      expect([q.sql.includes('arrayReverseFill'), q.sql.includes('windowFunnel')]).toEqual([arrays, !arrays]);
      return (await s.engine.query<{ seg: string; num: number; den: number }>(q)).map((r) => [r.seg, r.num, r.den]);
    };
    expect(await run(env)).toEqual([['', 8, 10]]);
    const channel: Segment = { property: 'channel', type: 'event' };
    const region: Segment = { property: 'region', type: 'event' };
    const day: Segment = { property: '', type: 'event', byDay: true };
    // A person property: no hashed key, the entry's values as a tuple (firstSegments).
    const plan: Segment = { property: 'plan', type: 'person' };
    await s.engine.insert(
      'persons',
      [1, 2, 3, 4, 5, 6, 7, 10, 11, 13].map((n) => ({ project_id: F, id: personId(n), properties: JSON.stringify({ plan: n % 3 ? 'pro' : 'free' }), created_at: '2025-07-01 00:00:00.000', version: 1 })),
    );
    const cases: AtomEnv[] = [
      env,
      { ...env, segment: channel },
      { ...env, segment: day },
      { ...env, segment: { ...channel, byDay: true } },
      { ...env, segments: [channel, region] },
      { ...env, segments: [day, { ...channel, byDay: true }, { ...region, byDay: true }] },
      { ...env, segment: plan },
      { ...env, segments: [plan, channel] },
    ];
    for (const e of cases) expect(await run(e)).toEqual(await run({ ...e, windowFunnelOnly: true }));
    // Day by day: 07-08 has p1–p6 entering, with p1, p2, p5 converted (p4's call is the next day).
    expect((await run({ ...env, segment: day })).find(([seg]) => seg === '2025-07-08|')).toEqual(['2025-07-08|', 3, 6]);
    // By channel of the first entry: baidu p9/10 (1 / 1), wechat p5 (1 / 1), douyin the other eight (6 / 8).
    expect(await run({ ...env, segment: channel })).toEqual([['baidu', 1, 1], ['douyin', 6, 8], ['wechat', 1, 1]]);
    expect(await run({ ...env, segments: [channel] })).toEqual([['0:baidu', 1, 1], ['0:douyin', 6, 8], ['0:wechat', 1, 1]]);
    // By plan (pro unless the person's number is a multiple of 3; p9 counts as p10): free are
    // p3 (call 1 ms past the window) and p6 (call first), 0 / 2; the other eight are pro and converted, 8 / 8.
    expect(await run({ ...env, segment: plan })).toEqual([['free', 0, 2], ['pro', 8, 8]]);

    // Several spans in one pass (a report's period, the one before and the daily series behind
    // its anomalies): each read gives the rows it gives alone, and one query ran.
    //  07-07…07-09 per person: p1–p6 (07-08), p9/10, p11 (07-09 view, its call a day later)
    //    entered = 8; converted p1, p2, p4 (next local day, 40 min), p5, p9/10 = 5.
    //  07-10…07-13 per person: p7, p11 (07-10), p12/13 = 3, all converted (p7's call after the span).
    await upsertMetric(s.meta, F, {
      key: 'call_rate', name: { 'zh-CN': '呼叫比例', 'en-US': 'Call rate' }, description: { 'zh-CN': '', 'en-US': '' }, definition: funnel,
      unit: '%', format: 'percent', isRate: true, direction: 'higher_is_better', countingUnit: 'persons', owner: '',
    });
    const spans = [{ fromDate: '2025-07-07', toDate: '2025-07-09' }, { fromDate: '2025-07-10', toDate: '2025-07-13' }, { fromDate: '2025-07-08', toDate: '2025-07-13' }];
    const reads: Segment[][] = [[TOTAL, channel, region], [TOTAL, channel], [day, { ...channel, byDay: true }]];
    const together = await Promise.all(spans.map((span) => createEvaluator(ctx(), F, span)));
    await MetricEvaluator.prefetchAcross('call_rate', together.map((e, i) => ({ ev: e, segments: reads[i]! })));
    expect(new Set(together.flatMap((e) => e.trace.map((q) => q.sql))).size).toBe(1);
    const values = async (e: MetricEvaluator, g: Segment) => [...(await e.values('call_rate', g === TOTAL ? undefined : g)).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [i, span] of spans.entries()) {
      const alone = await createEvaluator(ctx(), F, span);
      for (const g of reads[i]!) expect([i, g.property, await values(together[i]!, g)]).toEqual([i, g.property, await values(alone, g)]);
    }
    expect([await together[0]!.total('call_rate'), await together[1]!.total('call_rate')].map((v) => [v.numerator, v.denominator])).toEqual([[5, 8], [3, 3]]);
    expect(new Set(together.flatMap((e) => e.trace.map((q) => q.sql))).size).toBe(1);

    // Spans apart (a report's flagged days): the pass reads their intervals only, each entry
    // span extended by the window for the calls, and each span gives the rows it gives alone.
    //  07-08: p1–p6 enter; p1, p2, p5 call within the hour, p4 10 min after midnight → 4 / 6.
    //  07-13: p7 enters at 23:50, its call 20 min after the day (within the hour) → 1 / 1
    //  (p8's view is on the next local day). 07-09 … 07-12 are not read.
    const apart = [{ fromDate: '2025-07-08', toDate: '2025-07-08' }, { fromDate: '2025-07-13', toDate: '2025-07-13' }];
    const days = await Promise.all(apart.map((span) => createEvaluator(ctx(), F, span)));
    await MetricEvaluator.prefetchAcross('call_rate', days.map((e) => ({ ev: e, segments: [TOTAL, channel] })));
    const pass = days[0]!.trace.at(-1)!;
    expect(days[1]!.trace.at(-1)).toBe(pass);
    // Calls up to 07-09 01:00 and from 07-13 00:00 local (in UTC), entries up to 07-09 00:00.
    expect(Object.values(pass.params)).toEqual(expect.arrayContaining(['2025-07-08 17:00:00.000', '2025-07-08 16:00:00.000', '2025-07-12 16:00:00.000']));
    for (const [i, span] of apart.entries()) {
      const alone = await createEvaluator(ctx(), F, span);
      for (const g of [TOTAL, channel]) expect([i, g.property, await values(days[i]!, g)]).toEqual([i, g.property, await values(alone, g)]);
    }
    expect([await days[0]!.total('call_rate'), await days[1]!.total('call_rate')].map((v) => [v.numerator, v.denominator])).toEqual([[4, 6], [1, 1]]);

    // A daily read answers its days as spans of their own (a report reads its flagged days
    // after the daily series flagged them): no query, the numbers of each day read alone.
    // 07-08 as a span is 4 / 6 (p4's call 10 min after midnight counts), though its row in
    // the daily series is 3 / 6; 07-13 is 1 / 1 (p7's call 20 min after the read's end).
    const shared = { ...ctx(), evaluators: new Map() };
    const week = await createEvaluator(shared, F, { fromDate: '2025-07-07', toDate: '2025-07-13' });
    await MetricEvaluator.prefetchAcross('call_rate', [{ ev: week, segments: [day, { ...channel, byDay: true }] }]);
    expect((await week.values('call_rate', day)).get('2025-07-08|')).toMatchObject({ numerator: 3, denominator: 6 });
    const flagged = await Promise.all(apart.map((span) => createEvaluator(shared, F, span)));
    await MetricEvaluator.prefetchAcross('call_rate', flagged.map((e) => ({ ev: e, segments: [TOTAL, channel] })));
    expect(flagged.flatMap((e) => e.trace)).toEqual([]);
    // The daily read's query is what reproduces a day's numbers (its `day_num`).
    for (const e of flagged) expect(e.queries).toEqual(week.queries);
    for (const [i, e] of flagged.entries()) for (const g of [TOTAL, channel]) expect([i, g.property, await values(e, g)]).toEqual([i, g.property, await values(days[i]!, g)]);
    // A day outside the daily read, or one not read by that segment, is read as before.
    const outside = await createEvaluator(shared, F, { fromDate: '2025-07-14', toDate: '2025-07-14' });
    const byRegion = await createEvaluator(shared, F, { fromDate: '2025-07-09', toDate: '2025-07-09' });
    await MetricEvaluator.prefetchAcross('call_rate', [{ ev: outside, segments: [TOTAL, channel] }, { ev: byRegion, segments: [region] }]);
    expect([outside.trace.length, byRegion.trace.length]).toEqual([1, 1]);

    // More dimension combinations than the packed index holds: the query stops with
    // TWO_STEP_OVERFLOW (here 2 bits: 2 combinations at most, the entries have 3 channels).
    const tight = twoStepFunnel(funnel.steps, 3_600_000, env, [{ from: env.from, to: env.to, daily: false, segments: [channel], indexed: true }], { indexBits: 2 })!;
    await expect(s.engine.query(compile(tight))).rejects.toThrow(TWO_STEP_OVERFLOW);
  });

  it('indexes the entries\' values from the hourly table while their product fits, else from a scan of the entries', async () => {
    // Project "idx2" (UTC), 2025-07-08, view → call within 1 hour:
    //  p1 views on douyin in cn-bj (utm_medium cpc) and calls 10 min later → converted;
    //  p2 views on wechat in cn-sh (utm_medium cpm), no call → not.
    // Channel × region: 2 × 2 = 4 possible combinations in the hourly lists, 2 among the entries.
    //  index bits 3 (7 indexes): 4 fit → mixed radix from active_persons_hourly;
    //  index bits 2 (3 indexes): 4 do not fit, the 2 combinations do → the scan of the entries;
    //  index bits 1 (1 index): neither fits → TWO_STEP_OVERFLOW.
    // Each answer: 0:douyin 1/1, 0:wechat 0/1, 1:cn-bj 1/1, 1:cn-sh 0/1, as windowFunnel gives.
    const F = 'idx2';
    await seedProject(s, F, [
      ev(F, 1, 'anchor_wall_view', '2025-07-08T01:00:00.000Z', { channel: 'douyin', region: 'cn-bj', utm_medium: 'cpc' }),
      ev(F, 1, 'robot_call', '2025-07-08T01:10:00.000Z'),
      ev(F, 2, 'anchor_wall_view', '2025-07-08T02:00:00.000Z', { channel: 'wechat', region: 'cn-sh', utm_medium: 'cpm' }),
    ]);
    const funnel = { kind: 'funnel' as const, order: 'ordered' as const, steps: [{ event: 'anchor_wall_view', filters: [] }, { event: 'robot_call', filters: [] }], window: { value: 1, unit: 'hour' as const } };
    const env: AtomEnv = { projectId: F, timeZone: 'UTC', from: new Date('2025-07-08T00:00:00Z'), to: new Date('2025-07-09T00:00:00Z'), fromDate: '2025-07-08', toDate: '2025-07-08', asOfDate: '2025-08-19' };
    const channel: Segment = { property: 'channel', type: 'event' };
    const region: Segment = { property: 'region', type: 'event' };
    const medium: Segment = { property: 'utm_medium', type: 'event' };
    const rows = async (segments: Segment[], indexBits?: number) => {
      const q = compile(twoStepFunnel(funnel.steps, 3_600_000, env, [{ from: env.from, to: env.to, daily: false, segments, indexed: true }], indexBits ? { indexBits } : {})!);
      return { sql: q.sql, rows: (await s.engine.query<{ seg: string; num: number; den: number }>(q)).map((r) => [r.seg, r.num, r.den]) };
    };
    const windowFunnel = async (segments: Segment[]) =>
      (await s.engine.query<{ seg: string; num: number; den: number }>(compile(compileAtomMulti(funnel, { ...env, segments, windowFunnelOnly: true })))).map((r) => [r.seg, r.num, r.den]);
    const expected = [['0:douyin', 1, 1], ['0:wechat', 0, 1], ['1:cn-bj', 1, 1], ['1:cn-sh', 0, 1]];
    expect(await windowFunnel([channel, region])).toEqual(expected);
    for (const bits of [undefined, 3, 2]) {
      const r = await rows([channel, region], bits);
      expect(r.sql).toContain('active_persons_hourly');
      expect([bits, r.rows]).toEqual([bits, expected]);
    }
    await expect(rows([channel, region], 1)).rejects.toThrow(TWO_STEP_OVERFLOW);
    // A property that is not a kept column: its combinations come from the scan only.
    const byMedium = await rows([medium, channel]);
    expect(byMedium.sql).not.toContain('active_persons_hourly');
    expect(byMedium.rows).toEqual(await windowFunnel([medium, channel]));
    expect(byMedium.rows).toEqual([['0:cpc', 1, 1], ['0:cpm', 0, 1], ['1:douyin', 1, 1], ['1:wechat', 0, 1]]);
    // The whole project alone reads no combinations at all.
    const total = await rows([{ property: '', type: 'event' }]);
    expect(total.sql).not.toContain('active_persons_hourly');
    expect(total.sql).not.toContain('groupArray(k)');
    expect(total.rows).toEqual([['0:', 1, 2]]);
  });

  it('answers a span before the first event without reading events, with the numbers the queries give', async () => {
    // Project "early": ad spend from 2025-05-12 (douyin 40), events from 2025-07-01 (p1 as in
    // "shop"). Over 2025-W20 (05-12 … 05-18), before the first event, every metric read from
    // events is known to have no rows: counts 0, rates null. Spend (its own table) is still
    // read: spend 40, and ROAS = revenue / spend = 0 / 40 = 0.
    const E = 'early';
    await seedProject(
      s,
      E,
      [ev(E, 1, 'app_launch', '2025-07-01T09:00:00Z', { channel: 'douyin' }), ev(E, 1, 'order_paid', '2025-07-02T09:00:00Z', { channel: 'douyin', revenue: 10 })],
      [{ date: '2025-05-12', channel: 'douyin', impressions: 1000, clicks: 10, cost: 40 }],
    );
    const W20 = parsePeriod('2025-W20');
    const dims: Segment[] = [TOTAL, { property: 'channel', type: 'event' }];
    for (const key of BUILTINS.keys()) {
      const shortcut = await createEvaluator(ctx(), E, W20);
      // The same span with the shortcut off: every atom runs its query.
      const queried = new MetricEvaluator(shortcut.engine, shortcut.metrics, shortcut.project, shortcut.span, shortcut.now, undefined, async () => new Date(0));
      await shortcut.prefetch(key, dims);
      for (const d of [undefined, { property: 'channel', type: 'event' } as Segment]) {
        const values = async (e: MetricEvaluator) => {
          try {
            return [...(await e.values(key, d)).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
          } catch (err) {
            return (err as Error).message;
          }
        };
        expect([key, d?.property, await values(shortcut)]).toEqual([key, d?.property, await values(queried)]);
      }
      // Only ad spend's atoms and the first-event probe ran.
      expect([key, shortcut.trace.every((q) => /\bad_spend\b/.test(q.sql))]).toEqual([key, true]);
    }
    expect((await evaluateMetric(ctx(), E, 'spend', W20)).value).toBe(40);
    expect((await evaluateMetric(ctx(), E, 'roas', W20)).value).toBe(0);
    expect((await evaluateMetric(ctx(), E, 'orders', W20)).value).toBe(0);
    expect((await evaluateMetric(ctx(), E, 'orders', parsePeriod('2025-W27'))).value).toBe(1);
  });

  it('counts only complete days while a period is running', async () => {
    const r = await evaluateMetric({ ...ctx(), now: new Date('2025-07-10T15:00:00Z') }, P, 'orders', W28);
    expect(r.counted).toEqual({ fromDate: '2025-07-07', toDate: '2025-07-09', complete: false });
    expect(r.value).toBe(3);
  });

  it('uses project overrides', async () => {
    await upsertMetric(s.meta, P, { ...BUILTINS.get('orders')!, owner: 'ops', definition: { kind: 'trends', series: [{ event: 'order_paid', math: 'unique_persons' }] } });
    expect((await evaluateMetric(ctx(), P, 'orders', W28)).value).toBe(2);
    await s.meta.query(`DELETE FROM metrics WHERE project_id = $1`, [P]);
  });
});
