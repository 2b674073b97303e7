import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInput } from '../../core/validation.js';
import { compile, p, sql } from '../../sql/index.js';
import { loadBlueprint } from '../../../test/helpers/analysis.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { filtersSchema } from './filters.js';
import { filteredEvents } from './source.js';

/**
 * Blueprint (project `fl`): three events on 2025-07-01.
 *   e1 by p1 (person plan = pro, age 30): name Alice, n 5, s "12.5", tag O'Brien \ "q", flag true, channel douyin
 *   e2 by p2 (merged into p1 later):      name bob, n 10
 *   e3 by p3:                              no properties
 * Expected counts are in each case below; a missing property is "not equal" to any value.
 */
const TAG = `O'Brien \\ "q"`;
let storage: TestStorage;
beforeAll(async () => {
  storage = await openTestStorage();
  await loadBlueprint(
    storage.engine,
    'fl',
    [
      { person: 'p1', event: 'e', at: '2025-07-01T01:00:00Z', props: { name: 'Alice', n: 5, s: '12.5', tag: TAG, flag: 'true', channel: 'douyin' } },
      { person: 'p2', event: 'e', at: '2025-07-01T02:00:00Z', props: { name: 'bob', n: 10 } },
      { person: 'p3', event: 'e', at: '2025-07-01T03:00:00Z' },
    ],
    [['p2', 'p1']],
    { p1: { plan: 'pro', age: 30 } },
  );
});
afterAll(() => storage?.close());

const range = { from: new Date('2025-07-01T00:00:00Z'), to: new Date('2025-07-02T00:00:00Z') };
async function count(filters: unknown[]): Promise<number> {
  const src = filteredEvents({ projectId: 'fl', range, filters: parseInput(filtersSchema, filters) });
  const [row] = await storage.engine.query<{ n: number }>(compile(sql`SELECT count() AS n FROM ${src}`));
  return Number(row!.n);
}

describe('filters on chDB', () => {
  it.each([
    [{ property: 'name', op: 'eq', value: 'Alice' }, 1],
    [{ property: 'tag', op: 'eq', value: TAG }, 1],
    [{ property: 'name', op: 'neq', value: 'Alice' }, 2],
    [{ property: 'name', op: 'in', value: ['Alice', 'bob'] }, 2],
    [{ property: 'name', op: 'not_in', value: ['Alice'] }, 2],
    [{ property: 'name', op: 'contains', value: 'ALI' }, 1],
    [{ property: 'name', op: 'not_contains', value: 'ali' }, 2],
    [{ property: 'name', op: 'regex', value: '^[ab]' }, 1],
    [{ property: 'n', op: 'gt', value: 5 }, 1],
    [{ property: 'n', op: 'gte', value: 5 }, 2],
    [{ property: 'n', op: 'lt', value: 10 }, 1],
    [{ property: 'n', op: 'lte', value: '10' }, 2],
    [{ property: 's', op: 'gt', value: 12 }, 1],
    [{ property: 'n', op: 'eq', value: 5 }, 1],
    [{ property: 'name', op: 'is_set' }, 2],
    [{ property: 'name', op: 'is_not_set' }, 1],
    [{ property: 'channel', op: 'is_set' }, 1],
    [{ property: 'utm_source', op: 'eq', value: 'douyin' }, 1],
    [{ property: 'plan', op: 'eq', value: 'pro', type: 'person' }, 2],
    [{ property: 'age', op: 'gt', value: 20, type: 'person' }, 2],
    [{ property: "x') OR 1=1 --", op: 'eq', value: "' OR ''='" }, 0],
    [{ property: "name') OR 1=1 --", op: 'is_set' }, 0],
  ])('%j → %i', async (f, n) => {
    expect(await count([f])).toBe(n);
  });

  it('person filters see merged persons (p2 is now p1, a pro)', async () => {
    expect(await count([{ property: 'plan', op: 'eq', value: 'pro', type: 'person' }, { property: 'name', op: 'eq', value: 'bob' }])).toBe(1);
  });

  it('nothing was dropped', async () => {
    const rows = await storage.engine.query<{ n: number }>(compile(sql`SELECT count() AS n FROM events WHERE project_id = ${p.string('fl')}`));
    expect(Number(rows[0]!.n)).toBe(3);
  });
});
