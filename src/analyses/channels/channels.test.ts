import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInput } from '../../core/validation.js';
import { CHANNELS_PROJECT, channelsEvents, channelsMerges, channelsSpend } from '../../../test/fixtures/channels.js';
import { fixtureContext, loadBlueprint } from '../../../test/helpers/analysis.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { resolveRange } from '../shared/date-range.js';
import { compileBehaviour, compileSpend } from './compile.js';
import { channels, channelsSchema } from './index.js';

let storage: TestStorage;
const ctx = fixtureContext(CHANNELS_PROJECT);

beforeAll(async () => {
  storage = await openTestStorage();
  await loadBlueprint(storage.engine, CHANNELS_PROJECT, channelsEvents, channelsMerges);
  await storage.engine.insert('ad_spend', channelsSpend);
});
afterAll(() => storage?.close());

const spec = (s: Record<string, unknown> = {}) => parseInput(channelsSchema, { kind: 'channels', dateRange: { from: '2025-07-01', to: '2025-07-07' }, ...s });
const run = (s: Record<string, unknown> = {}, o = {}) => channels.run(spec(s), { ...ctx, ...o }, storage.engine);

describe('channel performance on the blueprint (test/fixtures/channels.ts)', () => {
  it('spend, first-touch persons, conversions, customers and revenue by channel', async () => {
    const r = await run();
    const douyin = r.rows.find((x) => x.channel === 'douyin')!.metrics;
    expect(douyin).toMatchObject({ spend: 2000, impressions: 20000, clicks: 500, ctr: 0.025, cpm: 100, cpc: 4, newPersons: 2, conversions: 2, cpa: 1000, newCustomers: 2, paidCac: 1000, revenue: 350, roas: 0.175, roi: -0.825 });
    const wechat = r.rows.find((x) => x.channel === 'wechat')!.metrics;
    expect(wechat).toMatchObject({ spend: 500, impressions: 5000, clicks: 50, ctr: 0.01, cpm: 100, cpc: 10, newPersons: 2, conversions: 0, cpa: null, newCustomers: 0, paidCac: null, revenue: 40, roas: 0.08, roi: -0.92 });
    expect(r.rows.map((x) => x.channel)).toEqual(['douyin', 'wechat']);
    expect(r.total.metrics).toMatchObject({ spend: 2500, newPersons: 4, conversions: 2, newCustomers: 2, revenue: 390 });
    expect(r.definition.formula).toMatch(/ROAS = revenue/);
    expect(r.definition.notes!.join(' ')).toMatch(/first touch/);
  });

  it('by day, in Shanghai and in UTC', async () => {
    const sh = await run({ interval: 'day' });
    const d = sh.rows.find((x) => x.channel === 'douyin')!;
    expect(d.series!.map((m) => m.newPersons)).toEqual([1, 1, 0, 0, 0, 0, 0]);
    expect(d.series!.map((m) => m.revenue)).toEqual([0, 400, -100, 0, 50, 0, 0]);
    expect(d.series!.map((m) => m.spend)).toEqual([1000, 1000, 0, 0, 0, 0, 0]);
    expect(sh.total.series![0]).toMatchObject({ spend: 1500, newPersons: 3 });
    const utc = await run({ interval: 'day' }, { timeZone: 'UTC' });
    expect(utc.rows.find((x) => x.channel === 'douyin')!.series!.map((m) => m.newPersons)).toEqual([2, 0, 0, 0, 0, 0, 0]);
  });

  it('by campaign', async () => {
    const r = await run({ groupBy: 'campaign' });
    const got = Object.fromEntries(r.rows.map((x) => [`${x.channel}/${x.campaign}`, [x.metrics.spend, x.metrics.newPersons]]));
    expect(got).toEqual({ 'douyin/summer': [2000, 1], 'douyin/': [0, 1], 'wechat/brand': [500, 1], 'wechat/': [0, 1] });
  });

  it('compares with the previous period', async () => {
    const r = await run({ compare: ['previous_period'] });
    const c = r.rows.find((x) => x.channel === 'douyin')!.compare!.previous_period!;
    expect(c.metrics).toMatchObject({ spend: 700, newPersons: 0 });
    expect(c.change.spend).toMatchObject({ absolute: 1300 });
    expect(c.change.spend!.relative).toBeCloseTo(1300 / 700, 10);
    expect(c.change.ctr!.percentagePoints).toBeCloseTo(100 * (0.025 - 100 / 8000), 8);
    expect(r.definition.comparison![0]!.from).toBe('2025-06-23T16:00:00.000Z');
  });

  it('applies a gross margin to ROI', async () => {
    const r = await run({ grossMargin: 0.5 });
    expect(r.rows.find((x) => x.channel === 'douyin')!.metrics.roi).toBeCloseTo((175 - 2000) / 2000, 10);
  });
});

describe('channel performance SQL', () => {
  it('snapshots', () => {
    const s = spec({ interval: 'week', groupBy: 'campaign' });
    const range = resolveRange(s.dateRange, ctx);
    expect(compileSpend(s, ctx, range).sql).toMatchSnapshot('spend');
    expect(compileBehaviour(s, ctx, range).sql).toMatchSnapshot('behaviour');
  });

  it('a hostile conversion event or time zone cannot change the SQL', () => {
    const range = resolveRange(spec().dateRange, ctx);
    const benign = compileBehaviour(spec({ conversionEvent: 'sign_up' }), ctx, range);
    const hostile = compileBehaviour(spec({ conversionEvent: "x') OR 1=1 --" }), ctx, range);
    expect(hostile.sql).toBe(benign.sql);
    expect(Object.values(hostile.params)).toContain("x') OR 1=1 --");
    expect(() => compileBehaviour(spec(), { ...ctx, timeZone: "UTC'); DROP TABLE events; --" }, range)).toThrow(/time zone/);
  });

  it('refuses too much', async () => {
    await expect(run({ dateRange: { from: '1990-01-01', to: '2025-01-01' } })).rejects.toMatchObject({ code: 'too_expensive' });
    expect(() => spec({ interval: 'hour' })).toThrow(/total, day or week/);
  });
});
