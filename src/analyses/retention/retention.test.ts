import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents, mergePersons } from '../../../test/fixtures/analyses/events.js';
import { RETENTION } from '../../../test/fixtures/analyses/retention.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { parseInput } from '../../core/validation.js';
import type { AnalysisContext } from '../shared/context.js';
import { compileRetention } from './compile.js';
import { retention, retentionWindow } from './index.js';

let s: TestStorage;
const ctx: AnalysisContext = { projectId: 'r', timeZone: 'UTC', weekStart: 'monday', currency: 'CNY', now: new Date('2025-07-05T12:00:00Z') };
const base = { kind: 'retention', dateRange: { from: '2025-07-01', to: '2025-07-03' }, startEvent: { event: 'login' }, returnEvent: { event: 'login' }, period: 'day', intervals: 4 };
const run = async (spec: Record<string, unknown>) => retention.run(parseInput(retention.schema, { ...base, ...spec }), ctx, s.engine);
const table = (r: { cohorts: { values: (number | null)[] }[] }) => r.cohorts.map((c) => c.values);
const X = null;

beforeAll(async () => {
  s = await openTestStorage();
  await insertEvents(s.engine, 'r', RETENTION);
  await mergePersons(s.engine, 'r', 'm-anon', 'm-user');
});
afterAll(async () => s?.close());

describe('retention on chDB (blueprint in test/fixtures/analyses/retention.ts)', () => {
  it('recurring, classic — partial cohort has no value', async () => {
    const r = await run({ type: 'recurring' });
    expect(table(r)).toEqual([[3, 2, 1, 1], [3, 0, 1, 1], [2, 0, 0, X]]);
    expect(r.cohorts.map((c) => c.start)).toEqual(['2025-07-01', '2025-07-02', '2025-07-03']);
  });
  it('recurring, unbounded', async () => {
    expect(table(await run({ type: 'recurring', mode: 'unbounded' }))).toEqual([[3, 3, 2, 1], [3, 2, 2, 1], [2, 0, 0, X]]);
  });
  it('first_time, classic, with the size-weighted average', async () => {
    const r = await run({ type: 'first_time' });
    expect(table(r)).toEqual([[2, 1, 1, 0], [1, 0, 0, 1], [1, 0, 0, X]]);
    expect(r.average).toEqual([1, 0.25, 0.25, 1 / 3]);
    expect(r.cohorts[0]!.percentages).toEqual([1, 0.5, 0.5, 0]);
  });
  it('first_time vs first_ever with a start filter', async () => {
    const startEvent = { event: 'login', filters: [{ property: 'plan', op: 'eq', value: 'pro' }] };
    expect(table(await run({ type: 'first_time', startEvent }))[0]).toEqual([2, 1, 1, 1]);
    expect(table(await run({ type: 'first_ever', startEvent }))[0]).toEqual([1, 0, 1, 0]);
  });
  it('breakdown counts returns only with the cohort value', async () => {
    const r = await run({ type: 'recurring', breakdown: { property: 'plan' } });
    const by = Object.fromEntries(r.breakdown!.map((b) => [b.value, table(b)]));
    expect(by.$none).toEqual([[1, 1, 0, 0], [2, 0, 1, 0], [2, 0, 0, X]]);
    expect(by.pro![0]).toEqual([2, 0, 0, 0]);
    expect(by.free![1]).toEqual([1, 0, 0, 0]);
  });
  it('grouping by the ingest-time person first gives the per-event resolution’s answers', async () => {
    // A person filter that every person passes sends the same question down the path that
    // resolves each event's person before grouping (person properties need it); the merged
    // person m (m-anon + m-user) must come out the same on both.
    const everyone = [{ property: 'no_such_property', op: 'is_not_set', type: 'person' }];
    for (const type of ['recurring', 'first_time', 'first_ever'] as const) {
      for (const mode of ['classic', 'unbounded'] as const) {
        for (const breakdown of [undefined, { property: 'plan' }]) {
          const spec = { type, mode, ...(breakdown ? { breakdown } : {}) };
          const grouped = await run(spec);
          const resolved = await run({ ...spec, returnEvent: { event: 'login', filters: everyone } });
          expect(resolved, `${type} ${mode} ${breakdown ? 'by plan' : ''}`).toEqual(grouped);
        }
      }
    }
  });
});

describe('retention period sets', () => {
  it('bitmask and array sets give the same rows', async () => {
    // Specs whose cohorts + intervals fit in 64 bits use a UInt64 mask; longer ones arrays.
    // The same questions through both, every type × mode, with and without a breakdown.
    for (const type of ['recurring', 'first_time', 'first_ever'] as const) {
      for (const mode of ['classic', 'unbounded'] as const) {
        for (const breakdown of [undefined, { property: 'plan' }]) {
          const spec = parseInput(retention.schema, { ...base, type, mode, ...(breakdown ? { breakdown } : {}) });
          const w = retentionWindow(spec, ctx);
          const bits = await s.engine.query(compileRetention(spec, ctx, w, undefined, 'bits'));
          const arrays = await s.engine.query(compileRetention(spec, ctx, w, undefined, 'arrays'));
          expect(bits.length).toBeGreaterThan(0);
          expect(bits, `${type} ${mode}`).toEqual(arrays);
        }
      }
    }
  });
  it('long spans use arrays', async () => {
    // 70 daily cohorts + 4 intervals do not fit in 64 bits; the cohorts of 07-01…07-03 are
    // still the blueprint's.
    const spec = parseInput(retention.schema, { ...base, type: 'recurring', dateRange: { from: '2025-04-25', to: '2025-07-03' } });
    expect(compileRetention(spec, ctx, retentionWindow(spec, ctx)).sql).toContain('groupUniqArray');
    const r = await retention.run(spec, ctx, s.engine);
    expect(r.cohorts.slice(-3).map((c) => c.values)).toEqual([[3, 2, 1, 1], [3, 0, 1, 1], [2, 0, 0, X]]);
  });
});

describe('retention SQL and safety', () => {
  it('snapshot', () => {
    const spec = parseInput(retention.schema, { ...base, type: 'first_ever', mode: 'unbounded', breakdown: { property: 'plan' } });
    expect(compileRetention(spec, ctx, retentionWindow(spec, ctx), ['pro']).sql).toMatchSnapshot();
  });
  it('hostile names and values stay parameters', async () => {
    const hostile = "x'); DROP TABLE events; --";
    const spec = parseInput(retention.schema, {
      ...base,
      startEvent: { event: hostile, filters: [{ property: hostile, op: 'contains', value: hostile }] },
      breakdown: { property: hostile, type: 'person' },
    });
    const c = { ...ctx, timeZone: hostile };
    const q = compileRetention(spec, c, retentionWindow(spec, ctx), [hostile]);
    expect(q.sql).not.toContain('DROP');
    await expect(s.engine.query(q)).rejects.toMatchObject({ code: 'query_failed' }); // an unknown time zone, refused by the engine as a value
    await s.engine.query(compileRetention(spec, ctx, retentionWindow(spec, ctx), [hostile]));
    const [row] = await s.engine.query<{ n: number }>({ sql: "SELECT count() AS n FROM events WHERE project_id = 'r'", params: {} });
    expect(Number(row!.n)).toBe(RETENTION.length);
  });
  it('oversized specs get a clear error', async () => {
    await expect(run({ intervals: 500 })).rejects.toMatchObject({ code: 'invalid_input', details: { path: 'intervals' } });
    await expect(run({ dateRange: { from: '2023-01-01', to: '2025-07-01' } })).rejects.toMatchObject({ code: 'too_expensive' });
    await expect(run({ breakdown: { property: 'plan', limit: 1000 } })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
