import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInput } from '../../core/validation.js';
import { LIFECYCLE_PROJECT, lifecycleEvents, lifecycleMerges } from '../../../test/fixtures/lifecycle.js';
import { fixtureContext, loadBlueprint } from '../../../test/helpers/analysis.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { compileLifecycle } from './compile.js';
import { lifecycle, lifecycleSchema } from './index.js';

let storage: TestStorage;
const ctx = fixtureContext(LIFECYCLE_PROJECT);

beforeAll(async () => {
  storage = await openTestStorage();
  await loadBlueprint(storage.engine, LIFECYCLE_PROJECT, lifecycleEvents, lifecycleMerges);
});
afterAll(() => storage?.close());

const spec = (s: Record<string, unknown> = {}) => parseInput(lifecycleSchema, { kind: 'lifecycle', dateRange: { from: '2025-07-01', to: '2025-07-04' }, event: 'app_launch', ...s });
const table = async (s: Record<string, unknown> = {}, o = {}) =>
  (await lifecycle.run(spec(s), { ...ctx, ...o }, storage.engine)).periods.map((p) => [p.period, p.new, p.returning, p.resurrecting, p.dormant]);

describe('lifecycle on the blueprint (test/fixtures/lifecycle.ts)', () => {
  it('days in Asia/Shanghai, with the merged visitor', async () => {
    expect(await table()).toEqual([
      ['2025-07-01', 2, 0, 2, 0],
      ['2025-07-02', 1, 2, 0, 2],
      ['2025-07-03', 0, 2, 0, 1],
      ['2025-07-04', 0, 1, 0, 1],
    ]);
  });

  it('days in UTC', async () => {
    expect(await table({}, { timeZone: 'UTC' })).toEqual([
      ['2025-07-01', 2, 0, 2, 1],
      ['2025-07-02', 0, 2, 0, 2],
      ['2025-07-03', 0, 1, 1, 1],
      ['2025-07-04', 0, 1, 0, 1],
    ]);
  });

  it('weeks start on the project week start', async () => {
    expect(await table({ interval: 'week' })).toEqual([['2025-06-30', 3, 2, 0, 0]]);
    expect(await table({ interval: 'week' }, { weekStart: 'sunday' })).toEqual([['2025-06-29', 4, 1, 0, 0]]);
  });

  it('states its definition and the quick ratio', async () => {
    const r = await lifecycle.run(spec(), ctx, storage.engine);
    expect(r.periods[1]!.quickRatio).toBe(0.5);
    expect(r.periods[0]!.quickRatio).toBeNull();
    expect(r.definition.notes!.join(' ')).toMatch(/first-ever/);
  });
});

describe('lifecycle SQL', () => {
  it('snapshot, and hostile filters only change parameters', () => {
    const periods = { before: '2025-06-30', first: '2025-07-01', last: '2025-07-04', to: new Date('2025-07-04T16:00:00Z') };
    const benign = compileLifecycle(spec({ filters: [{ property: 'a', op: 'eq', value: 'b' }] }), ctx, periods);
    expect(benign.sql).toMatchSnapshot();
    const hostile = compileLifecycle(spec({ event: "x'); DROP TABLE events; --", filters: [{ property: "x') OR 1=1 --", op: 'eq', value: `q'"\\` }] }), ctx, periods);
    expect(hostile.sql).toBe(benign.sql);
    expect(() => compileLifecycle(spec(), { ...ctx, timeZone: "UTC'); DROP TABLE events; --" }, periods)).toThrow(/time zone/);
  });

  it('refuses a range of decades', async () => {
    await expect(lifecycle.run(spec({ dateRange: { from: '1990-01-01', to: '2025-01-01' } }), ctx, storage.engine)).rejects.toMatchObject({ code: 'too_expensive' });
  });
});
