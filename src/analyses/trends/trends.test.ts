import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInput } from '../../core/validation.js';
import { fixtureContext, loadBlueprint } from '../../../test/helpers/analysis.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { TRENDS_PROJECT, trendsEvents, trendsMerges, trendsPersons } from '../../../test/fixtures/trends.js';
import { listBuckets } from '../shared/buckets.js';
import { resolveRange } from '../shared/date-range.js';
import { insertEvents } from '../../../test/fixtures/analyses/events.js';
import { activePersonsPlan, compileActiveTopValues, compileActiveTrends } from './compile-active.js';
import { bitmapsPayOff } from '../shared/active-persons.js';
import { compileTopValues, compileTrends } from './compile.js';
import { trends, trendsSchema, type TrendsSpec } from './index.js';

let storage: TestStorage;
const ctx = fixtureContext(TRENDS_PROJECT);
const week = { from: '2025-07-01', to: '2025-07-07' };

beforeAll(async () => {
  storage = await openTestStorage();
  await loadBlueprint(storage.engine, TRENDS_PROJECT, trendsEvents, trendsMerges, trendsPersons);
});
afterAll(() => storage?.close());

const spec = (s: Record<string, unknown>): TrendsSpec => parseInput(trendsSchema, { kind: 'trends', dateRange: week, ...s });
const run = (s: Record<string, unknown>, o = {}) => trends.run(spec(s), { ...ctx, ...o }, storage.engine);
const values = async (s: Record<string, unknown>, o = {}) => (await run(s, o)).series.map((l) => l.values);

describe('trends on the blueprint (test/fixtures/trends.ts)', () => {
  it('counts events per Shanghai day and per UTC day', async () => {
    expect(await values({ series: [{ event: '$pageview' }] })).toEqual([[3, 3, 0, 0, 0, 1, 1]]);
    expect(await values({ series: [{ event: '$pageview' }] }, { timeZone: 'UTC' })).toEqual([[3, 2, 0, 0, 0, 1, 1]]);
  });

  it('counts unique persons through identity merges', async () => {
    expect(await values({ series: [{ event: '$pageview', math: 'unique_persons' }] })).toEqual([[2, 2, 0, 0, 0, 1, 1]]);
  });

  it('cuts weeks on the project week start', async () => {
    const monday = await run({ series: [{ event: '$pageview' }], interval: 'week' });
    expect(monday.buckets.map((b) => b.label)).toEqual(['2025-06-30', '2025-07-07']);
    expect(monday.series[0]!.values).toEqual([7, 1]);
    const sunday = await run({ series: [{ event: '$pageview' }], interval: 'week' }, { weekStart: 'sunday' });
    expect(sunday.buckets.map((b) => b.label)).toEqual(['2025-06-29', '2025-07-06']);
    expect(sunday.series[0]!.values).toEqual([6, 2]);
  });

  it('WAU counts the trailing 7 days, reaching before the range', async () => {
    const r = await values({ dateRange: { from: '2025-07-01', to: '2025-07-10' }, series: [{ event: '$pageview', math: 'wau' }] });
    expect(r).toEqual([[3, 3, 3, 3, 3, 3, 3, 3, 2, 2]]);
  });

  it('DAU / WAU with one window per bucket (the direct plan) agree with the daily trailing series', async () => {
    // DAU by day is the day's unique persons; DAU by week is the DAU of each week's last day.
    expect(await values({ series: [{ event: '$pageview', math: 'dau' }] })).toEqual([[2, 2, 0, 0, 0, 1, 1]]);
    expect(await values({ interval: 'week', series: [{ event: '$pageview', math: 'dau' }] })).toEqual([[1, 1]]);
    // WAU by full weeks equals the daily WAU (overlapping windows: the merged-states plan) on each Sunday.
    const twoWeeks = { from: '2025-07-01', to: '2025-07-13' };
    const [daily] = await values({ dateRange: twoWeeks, series: [{ event: '$pageview', math: 'wau' }] });
    expect(await values({ dateRange: twoWeeks, interval: 'week', series: [{ event: '$pageview', math: 'wau' }] })).toEqual([[daily![5], daily![12]]]);
  });

  it('property maths over revenue by week', async () => {
    const maths = ['sum', 'avg', 'min', 'max', 'median', 'p90'] as const;
    const r = await values({ interval: 'week', series: maths.map((math) => ({ event: 'order_paid', math, mathProperty: 'revenue' })) });
    expect(r).toEqual([
      [200, 0],
      [50, null],
      [20, null],
      [100, null],
      [40, null],
      [85, null],
    ]);
    const pp = await values({ interval: 'week', series: [{ event: 'order_paid', math: 'per_person_avg' }] });
    expect(pp[0]![0]).toBeCloseTo(4 / 3, 10);
    expect(pp[0]![1]).toBeNull();
  });

  it('evaluates formulas on the shaped series', async () => {
    const r = await run({ interval: 'week', series: [{ event: 'order_paid' }, { event: '$pageview' }], formula: 'A / B * 100' });
    const line = r.formula!.lines[0]!;
    expect(line.values[0]).toBeCloseTo(400 / 7, 10);
    expect(line.values[1]).toBe(0);
    expect(line.aggregate).toBe(50);
  });

  it('breaks down by top values plus Other', async () => {
    const r = await run({ interval: 'week', series: [{ event: '$pageview' }], breakdown: { property: 'channel', limit: 1 } });
    expect(r.breakdownValues).toEqual(['douyin', '$other']);
    expect(r.series.map((l) => [l.breakdownValue, l.values])).toEqual([
      ['douyin', [4, 0]],
      ['$other', [3, 1]],
    ]);
  });

  it('applies event and person filters', async () => {
    expect(await values({ series: [{ event: '$pageview', filters: [{ property: 'channel', op: 'eq', value: 'douyin' }] }] })).toEqual([[2, 2, 0, 0, 0, 0, 0]]);
    const person = [{ property: 'plan', op: 'eq', value: 'pro', type: 'person' }];
    expect(await values({ series: [{ event: '$pageview', math: 'unique_persons', filters: person }] })).toEqual([[1, 1, 0, 0, 0, 0, 0]]);
  });

  it('cumulative and rolling average', async () => {
    expect(await values({ series: [{ event: '$pageview' }], cumulative: true })).toEqual([[3, 6, 6, 6, 6, 7, 8]]);
    const [rolling] = await values({ series: [{ event: '$pageview' }], rollingAverage: 3 });
    expect(rolling!.slice(0, 5)).toEqual([3, 3, 2, 1, 0]);
    expect(rolling![5]).toBeCloseTo(1 / 3, 10);
    expect(rolling![6]).toBeCloseTo(2 / 3, 10);
  });

  it('compares with the previous period and the previous year', async () => {
    const r = await run({ dateRange: { from: '2025-07-01', to: '2025-07-02' }, series: [{ event: '$pageview' }], compare: ['previous_period', 'previous_year'] });
    const c = r.series[0]!.compare!.previous_period!;
    expect(c.values).toEqual([0, 1]);
    expect(c.change).toMatchObject({ previous: 1, absolute: 5, relative: 5 });
    expect(c.changes[1]).toMatchObject({ absolute: 2, relative: 2 });
    expect(c.changes[0]!.relative).toBeNull();
    expect(r.series[0]!.compare!.previous_year!.range.fromDate).toBe('2024-07-01');
    expect(r.definition.comparison!.map((x) => x.kind)).toEqual(['previous_period', 'previous_year']);
  });

  it('carries its definition', async () => {
    const r = await run({ series: [{ event: '$pageview', math: 'wau' }] });
    expect(r.definition.timeZone).toBe('Asia/Shanghai');
    expect(r.definition.range).toMatchObject({ fromDate: '2025-07-01', toDate: '2025-07-07', from: '2025-06-30T16:00:00.000Z' });
    expect(r.definition.unit).toMatch(/trailing 7 day/);
  });
});

describe('distinct persons from the hourly person bitmaps (migration 0003)', () => {
  type Row = { series: number; bucket: string; breakdown: string; value: number | null; unnumbered?: number };
  const sorted = (rows: Row[]) => rows.map((r) => `${r.series}|${r.bucket}|${r.breakdown}|${r.value}`).sort();
  const both = async (s: Record<string, unknown>, c = ctx) => {
    const t = spec(s);
    const range = resolveRange(t.dateRange, c);
    const buckets = listBuckets(range, t.interval, c);
    const plan = activePersonsPlan(t, c, range);
    expect(plan).not.toBeNull();
    const top = t.breakdown ? (await storage.engine.query<{ value: string }>(compileActiveTopValues(t, c, range, plan!.dimension))).map((r) => r.value) : null;
    const rawTop = t.breakdown ? (await storage.engine.query<{ value: string }>(compileTopValues(t, c, range)!)).map((r) => r.value) : null;
    expect(top).toEqual(rawTop);
    const fromBitmaps = await storage.engine.query<Row>(compileActiveTrends(t, c, range, buckets, top, plan!.dimension));
    const fromEvents = await storage.engine.query<Row>(compileTrends(t, c, range, buckets, top));
    expect(fromBitmaps.every((r) => Number(r.unnumbered) === 0)).toBe(true);
    return { fromBitmaps: sorted(fromBitmaps), fromEvents: sorted(fromEvents) };
  };

  it('gives the same rows as reading events, merges applied, for every person math, interval and breakdown', async () => {
    const cases: Record<string, unknown>[] = [
      { series: [{ event: '$pageview', math: 'unique_persons' }] },
      { series: [{ event: '$pageview', math: 'unique_persons' }], interval: 'week' },
      { series: [{ event: '$pageview', math: 'unique_persons' }], interval: 'hour', dateRange: { from: '2025-07-01', to: '2025-07-02' } },
      { series: [{ event: '$pageview', math: 'dau' }] },
      { series: [{ event: '$pageview', math: 'dau' }], interval: 'week' },
      { series: [{ event: '$pageview', math: 'wau' }], dateRange: { from: '2025-07-01', to: '2025-07-10' } },
      { series: [{ event: '$pageview', math: 'mau' }], interval: 'month' },
      { series: [{ event: '$any', math: 'unique_persons' }, { event: 'order_paid', math: 'dau' }] },
      { series: [{ event: '$pageview', math: 'unique_persons' }], breakdown: { property: 'channel', limit: 1 } },
      { series: [{ event: '$pageview', math: 'wau' }], breakdown: { property: 'utm_source' }, dateRange: { from: '2025-07-01', to: '2025-07-10' } },
      // Any event: whole UTC days from the daily rollup, the hours at the buckets' edges from the hourly one (migration 0004).
      { series: [{ event: '$any', math: 'unique_persons' }], interval: 'week' },
      { series: [{ event: '$any', math: 'unique_persons' }], interval: 'month', breakdown: { property: 'channel' } },
      { series: [{ event: '$any', math: 'dau' }], breakdown: { property: 'channel' } },
      { series: [{ event: '$any', math: 'wau' }], interval: 'week', dateRange: { from: '2025-07-01', to: '2025-07-10' } },
      { series: [{ event: '$any', math: 'unique_persons' }], interval: 'hour', dateRange: { from: '2025-07-01', to: '2025-07-02' } },
    ];
    for (const c of cases) {
      const r = await both(c);
      expect(r.fromBitmaps, JSON.stringify(c)).toEqual(r.fromEvents);
    }
    // Mixed series: the person series from the bitmaps plus the others from events give the rows of one events query.
    const mixed = spec({ series: [{ event: '$pageview' }, { event: '$pageview', math: 'unique_persons' }, { event: 'order_paid', math: 'sum', mathProperty: 'revenue' }] });
    const range = resolveRange(mixed.dateRange, ctx);
    const buckets = listBuckets(range, mixed.interval, ctx);
    const split = [
      ...(await storage.engine.query<Row>(compileActiveTrends(mixed, ctx, range, buckets, null, '', [1]))),
      ...(await storage.engine.query<Row>(compileTrends(mixed, ctx, range, buckets, null, [0, 2]))),
    ];
    expect(sorted(split)).toEqual(sorted(await storage.engine.query<Row>(compileTrends(mixed, ctx, range, buckets, null))));
    // In UTC too (other day cuts), and the hand-worked numbers hold through the public run.
    for (const series of [[{ event: '$pageview', math: 'unique_persons' }], [{ event: '$any', math: 'unique_persons' }], [{ event: '$any', math: 'wau' }]]) {
      const utc = await both({ series }, { ...ctx, timeZone: 'UTC' });
      expect(utc.fromBitmaps).toEqual(utc.fromEvents);
    }
    expect(await values({ series: [{ event: '$pageview', math: 'unique_persons' }] })).toEqual([[2, 2, 0, 0, 0, 1, 1]]);
  });

  it('reads events when the bitmaps cannot answer exactly', () => {
    const plan = (s: Record<string, unknown>, c = ctx) => {
      const t = spec(s);
      return activePersonsPlan(t, c, resolveRange(t.dateRange, c));
    };
    const dau = { series: [{ event: '$pageview', math: 'dau' }] };
    expect(plan(dau)).toMatchObject({ dimension: '' });
    expect(plan({ ...dau, breakdown: { property: 'channel' } })).toMatchObject({ dimension: 'channel' });
    // a half-hour zone: a UTC hour holds parts of two local days
    expect(plan(dau, { ...ctx, timeZone: 'Asia/Kolkata' })).toBeNull();
    expect(plan(dau, { ...ctx, timeZone: 'Australia/Adelaide' })).toBeNull();
    expect(plan(dau, { ...ctx, timeZone: 'America/New_York' })).toMatchObject({ dimension: '' });
    // …and even then only when the bitmaps are the cheaper read (the calibration points of bitmapsPayOff).
    expect(bitmapsPayOff({ states: 12_960, events: 17_730_293 }, 1)).toBe(true);
    expect(bitmapsPayOff({ states: 16_813, events: 37_031_203 }, 1)).toBe(true);
    expect(bitmapsPayOff({ states: 1_101_144, events: 51_114_052 }, 4)).toBe(false);
    expect(bitmapsPayOff({ states: 98_946, events: 400_489 }, 4)).toBe(false);
    expect(bitmapsPayOff(undefined, 1)).toBe(false);
    // a range that cuts an hour, a filter, a property not kept, a person breakdown, a non-person math
    expect(plan({ ...dau, dateRange: { from: '2025-07-01T00:30:00Z', to: '2025-07-02T00:00:00Z' } })).toBeNull();
    expect(plan({ ...dau, filters: [{ property: 'channel', op: 'eq', value: 'douyin' }] })).toBeNull();
    expect(plan({ ...dau, breakdown: { property: '$browser' } })).toBeNull();
    expect(plan({ ...dau, breakdown: { property: 'plan', type: 'person' } })).toBeNull();
    expect(plan({ series: [{ event: '$pageview' }] })).toBeNull();
    // mixed maths: the person series from the bitmaps, the rest from events
    expect(plan({ series: [{ event: '$pageview' }, { event: '$pageview', math: 'dau' }] })).toMatchObject({ series: [1], all: false });
  });

  it('falls back to events when a person has no number (written around the writer)', async () => {
    // Project tr-raw: p1 on 07-01 (Shanghai), p2 on 07-02, 200 events each within one hour (so
    // the bitmaps are the cheaper read); p1 is numbered, p2 is not.
    const project = 'tr-raw';
    const c = { ...ctx, projectId: project };
    const burst = (person: string, hour: string) => Array.from({ length: 200 }, (_, k) => ({ person, event: 'x', at: `${hour}:${String(Math.floor(k / 60)).padStart(2, '0')}:${String(k % 60).padStart(2, '0')}Z` }));
    await insertEvents(storage.engine, project, burst('p1', '2025-07-01T01'));
    await insertEvents(storage.engine, project, burst('p2', '2025-07-02T01'), { unnumbered: true });
    const t = spec({ series: [{ event: 'x', math: 'unique_persons' }] });
    const range = resolveRange(t.dateRange, c);
    const rows = await storage.engine.query<Row>(compileActiveTrends(t, c, range, listBuckets(range, t.interval, c), null, ''));
    expect(rows.find((r) => r.bucket === '2025-07-02')?.unnumbered).toBe(1);
    expect(rows.find((r) => r.bucket === '2025-07-01')).toMatchObject({ value: 1, unnumbered: 0 });
    expect((await trends.run(t, c, storage.engine)).series[0]!.values).toEqual([1, 1, 0, 0, 0, 0, 0]);
  });
});

describe('trends SQL', () => {
  const compiled = (s: Record<string, unknown>) => {
    const t = spec(s);
    const range = resolveRange(t.dateRange, ctx);
    return compileTrends(t, ctx, range, listBuckets(range, t.interval, ctx), t.breakdown ? ['douyin'] : null);
  };

  it('snapshots each math', () => {
    for (const math of ['total', 'unique_persons', 'wau', 'dau', 'per_person_avg'] as const) expect(compiled({ series: [{ event: '$pageview', math }] }).sql).toMatchSnapshot(math);
    expect(compiled({ series: [{ event: 'order_paid', math: 'p95', mathProperty: 'amount' }], interval: 'week' }).sql).toMatchSnapshot('p95 weekly');
    expect(compiled({ series: [{ event: '$pageview' }], breakdown: { property: 'channel' }, filters: [{ property: 'plan', op: 'eq', value: 'pro', type: 'person' }] }).sql).toMatchSnapshot('breakdown + person filter');
    const t = spec({ series: [{ event: '$pageview' }], breakdown: { property: '$browser', limit: 5 } });
    expect(compileTopValues(t, ctx, resolveRange(t.dateRange, ctx))!.sql).toMatchSnapshot('top values');
  });

  it('hostile property names and values only change parameters', async () => {
    const benign = compiled({ series: [{ event: '$pageview', filters: [{ property: 'name', op: 'eq', value: 'x' }] }], breakdown: { property: 'y' } });
    const hostileName = "x') OR 1=1 --";
    const hostileValue = `a'b\\c"; DROP TABLE events; --`;
    const hostile = compiled({ series: [{ event: "$pageview'; DROP TABLE events; --", filters: [{ property: hostileName, op: 'eq', value: hostileValue }] }], breakdown: { property: hostileName } });
    expect(hostile.sql).toBe(benign.sql);
    expect(Object.values(hostile.params)).toContain(hostileName);
    expect(Object.values(hostile.params)).toContain(hostileValue);
    // …and run: no rows match, nothing is dropped.
    const r = await run({ series: [{ event: '$pageview', filters: [{ property: hostileName, op: 'eq', value: hostileValue }] }], breakdown: { property: hostileName } });
    expect(r.series.flatMap((l) => l.values).every((v) => v === 0)).toBe(true);
    expect(await values({ series: [{ event: '$pageview' }] })).toEqual([[3, 3, 0, 0, 0, 1, 1]]);
  });

  it('a hostile time zone never reaches SQL', async () => {
    await expect(run({ series: [{ event: '$pageview' }] }, { timeZone: "UTC'); DROP TABLE events; --" })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('refuses specs that ask for too much', async () => {
    await expect(run({ dateRange: { from: '2025-01-01', to: '2025-12-31' }, interval: 'hour', series: [{ event: '$pageview' }] })).rejects.toMatchObject({ code: 'too_expensive' });
    await expect(run({ dateRange: { from: '1990-01-01', to: '2025-01-01' }, series: [{ event: '$pageview' }] })).rejects.toMatchObject({ code: 'too_expensive' });
    expect(() => spec({ series: [{ event: '$pageview' }], breakdown: { property: 'channel', limit: 5000 } })).toThrow(/at most 100/);
    expect(() => spec({ series: Array.from({ length: 21 }, () => ({ event: 'e' })) })).toThrow(/at most 20 series/);
    await expect(
      run({ dateRange: { from: '2023-01-01', to: '2025-12-31' }, series: Array.from({ length: 20 }, () => ({ event: 'e' })), breakdown: { property: 'channel', limit: 100 } }),
    ).rejects.toMatchObject({ code: 'too_expensive' });
  });

  it('rejects invalid specs with the field named', () => {
    expect(() => spec({ series: [{ event: 'e', math: 'sum' }] })).toThrow(/mathProperty/);
    expect(() => spec({ series: [{ event: 'e' }], formula: 'A / C' })).toThrow(/only 1 series/);
    expect(() => spec({ series: [{ event: 'e', math: 'wau' }], interval: 'hour' })).toThrow(/interval day/);
    expect(() => spec({ series: [{ event: 'e', math: 'unique_persons' }], cumulative: true })).toThrow(/cumulative/);
  });
});
