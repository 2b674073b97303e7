import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage, type TestStorage } from '../helpers/storage.js';
import { funnel, funnelSpecSchema } from '../../src/analyses/funnel/index.js';
import { eventsWithPersons } from '../../src/analyses/shared/persons.js';
import { mergedNumbers, resolvedCount, survivorsOf } from '../../src/analyses/shared/active-persons.js';
import { compile, p, sql } from '../../src/sql/index.js';
import { createIngestor, type Ingestor } from '../../src/ingestion/pipeline.js';

const U = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`;

/**
 * Identity through the ingestion pipeline, checked with the query-side resolution every
 * analysis uses (eventsWithPersons) and with a real funnel. Lives in test/ because it
 * crosses layers (ingestion → analyses).
 */
describe('identity: ingest-time resolution + query-time overrides (real chDB)', () => {
  let s: TestStorage;
  let ing: Ingestor;
  const q = async <T = Record<string, unknown>>(f: ReturnType<typeof sql>) => s.engine.query<T>(compile(f));
  const personsOf = async (projectId: string, distinctIds: string[]) => {
    const rows = await q<{ d: string; n: number }>(
      sql`SELECT distinct_id AS d, toString(person_id) AS n FROM ${eventsWithPersons({ projectId })} WHERE distinct_id IN ${p.strings(distinctIds)}`,
    );
    return new Set(rows.map((r) => r.n));
  };

  beforeAll(async () => {
    s = await openTestStorage();
    ing = createIngestor(s.engine);
  });
  afterAll(async () => s?.close());

  it('identify: the anonymous ad click and the sign-up are one person in a funnel', async () => {
    const base = Date.parse('2026-03-04T00:00:00Z');
    const at = (min: number) => new Date(base + min * 60_000).toISOString();
    await ing.ingest('p6', [
      { event: 'ad_click', distinct_id: 'anon-1', uuid: U(1), timestamp: at(0), properties: { channel: 'douyin' } },
      { event: '$pageview', distinct_id: 'anon-1', uuid: U(2), timestamp: at(1) },
    ]);
    await ing.ingest('p6', [
      { event: '$identify', distinct_id: 'user-1', uuid: U(3), timestamp: at(2), properties: { $anon_distinct_id: 'anon-1' }, $set: { email: 'a@x.cn' } },
      { event: 'sign_up', distinct_id: 'user-1', uuid: U(4), timestamp: at(3) },
    ]);
    // A second visitor whose sign-up (under the user id) is stored before the $identify that
    // links it: both ids already have persons, so the merge goes through person_overrides.
    await ing.ingest('p6', [
      { event: 'ad_click', distinct_id: 'anon-2', uuid: U(11), timestamp: at(0), properties: { channel: 'baidu' } },
      { event: 'sign_up', distinct_id: 'user-2', uuid: U(12), timestamp: at(5) },
    ]);
    await ing.ingest('p6', [{ event: '$identify', distinct_id: 'user-2', uuid: U(13), timestamp: at(6), properties: { $anon_distinct_id: 'anon-2' } }]);
    expect((await personsOf('p6', ['anon-1', 'user-1'])).size).toBe(1);
    expect((await personsOf('p6', ['anon-2', 'user-2'])).size).toBe(1);
    const res = await funnel.run(
      funnelSpecSchema.parse({ kind: 'funnel', dateRange: { from: '2026-03-03', to: '2026-03-05' }, steps: [{ event: 'ad_click' }, { event: 'sign_up' }] }),
      { projectId: 'p6', timeZone: 'UTC', weekStart: 'monday', currency: 'CNY', now: new Date('2026-03-05T00:00:00Z') },
      s.engine,
    );
    expect(res.steps.map((x: { count: number }) => x.count)).toEqual([2, 2]);
    const [person] = await q<{ props: string }>(
      sql`SELECT argMax(properties, version) AS props FROM persons WHERE project_id = 'p6' AND id IN (SELECT person_id FROM events WHERE uuid = ${p.uuid(U(4))}) GROUP BY id`,
    );
    expect(JSON.parse(person!.props)).toEqual({ email: 'a@x.cn' });
  });

  it('alias links a new id to an existing person without an override', async () => {
    await ing.ingest('p7', [{ event: 'e', distinct_id: 'dev-1', uuid: U(1) }]);
    await ing.ingest('p7', [{ event: '$create_alias', distinct_id: 'dev-1', uuid: U(2), properties: { alias: 'mail-1' } }]);
    await ing.ingest('p7', [{ event: 'e', distinct_id: 'mail-1', uuid: U(3) }]);
    expect((await personsOf('p7', ['dev-1', 'mail-1'])).size).toBe(1);
    const { n } = (await q<{ n: number }>(sql`SELECT count() AS n FROM person_overrides WHERE project_id = 'p7'`))[0]!;
    expect(n).toBe(0);
  });

  it('merges two existing persons through overrides, earlier events included, one hop after chains', async () => {
    await ing.ingest('p8', [
      { event: 'e', distinct_id: 'anon-a', uuid: U(1) },
      { event: 'e', distinct_id: 'user-b', uuid: U(2), $set: { plan: 'pro' } },
      { event: 'e', distinct_id: 'anon-c', uuid: U(3), $set_once: { plan: 'free', first_channel: 'seo' } },
    ]);
    expect((await personsOf('p8', ['anon-a', 'user-b', 'anon-c'])).size).toBe(3);
    await ing.ingest('p8', [{ event: '$identify', distinct_id: 'user-b', uuid: U(4), properties: { $anon_distinct_id: 'anon-a' } }]);
    expect((await personsOf('p8', ['anon-a', 'user-b'])).size).toBe(1);
    // user-b's person is then absorbed by anon-c's (an alias the other way round).
    await ing.ingest('p8', [{ event: '$create_alias', distinct_id: 'anon-c', uuid: U(5), properties: { alias: 'user-b' } }]);
    await ing.ingest('p8', [{ event: 'later', distinct_id: 'anon-a', uuid: U(6) }]);
    expect((await personsOf('p8', ['anon-a', 'user-b', 'anon-c'])).size).toBe(1);
    const overrides = await q<{ n: number }>(sql`SELECT count(DISTINCT old_person_id) AS n FROM person_overrides WHERE project_id = 'p8'`);
    expect(overrides[0]!.n).toBe(2);
    const rows = await q<{ props: string }>(
      sql`SELECT argMax(properties, version) AS props FROM persons WHERE project_id = 'p8' AND id IN (SELECT person_id FROM events WHERE uuid = ${p.uuid(U(6))}) GROUP BY id`,
    );
    expect(JSON.parse(rows[0]!.props)).toEqual({ plan: 'free', first_channel: 'seo' });
  });

  it('numbers each new person densely before its events, so the hourly bitmaps follow merges', async () => {
    // p8 (the test above) created three persons, one per distinct id, then merged them all into one.
    const nums = await q<{ num: number }>(sql`SELECT num FROM person_numbers WHERE project_id = 'p8' ORDER BY num`);
    expect(nums.map((r) => Number(r.num))).toEqual([1, 2, 3]);
    const [counts] = await q<{ stored: number; resolved: number; unnumbered: number }>(sql`${mergedNumbers('p8')}
      SELECT bitmapCardinality(b) AS stored, ${resolvedCount(sql`b`, sql`t`).count} AS resolved, ${resolvedCount(sql`b`, sql`t`).unnumbered} AS unnumbered
      FROM (SELECT b, ${survivorsOf(sql`b`, 'p8')} AS t FROM (SELECT groupBitmapMergeState(persons) AS b FROM active_persons_hourly WHERE project_id = 'p8' AND dimension = ''))`);
    expect(counts).toEqual({ stored: 3, resolved: 1, unnumbered: 0 });
    // A new project starts at 1 again; a person seen before keeps its number.
    await ing.ingest('p9', [{ event: 'e', distinct_id: 'x', uuid: U(1) }, { event: 'e', distinct_id: 'y', uuid: U(2) }, { event: 'e', distinct_id: 'x', uuid: U(3) }]);
    const p9 = await q<{ num: number }>(sql`SELECT num FROM person_numbers WHERE project_id = 'p9' ORDER BY num`);
    expect(p9.map((r) => Number(r.num))).toEqual([1, 2]);
  });
});
