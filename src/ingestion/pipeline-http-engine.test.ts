import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage, type TestStorage } from '../../test/helpers/storage.js';
import { compile, p, sql } from '../sql/index.js';
import { migration as overrideNumbersJoin } from '../storage/clickhouse/migrations/0007_override_numbers_join.js';
import { createIngestor } from './pipeline.js';

/** The same pipeline on the ClickHouse-over-HTTP engine (its code path, plugged into chDB). */
describe('ingestion pipeline on the HTTP engine', () => {
  let s: TestStorage;
  beforeAll(async () => {
    s = await openTestStorage('clickhouse-http');
  });
  afterAll(async () => s?.close());

  it('writes, deduplicates (always through the table) and merges identities, the merge carrying both persons\' numbers', async () => {
    const ing = createIngestor(s.engine);
    const batch = [
      { event: 'ad_click', distinct_id: 'anon', uuid: '0190c000-0000-7000-8000-000000000001', properties: { channel: 'seo', nested: { a: [1, 2] } } },
      { event: 'sign_up', distinct_id: 'user', uuid: '0190c000-0000-7000-8000-000000000002' },
    ];
    expect(await ing.ingest('h1', batch)).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(await ing.ingest('h1', batch)).toMatchObject({ accepted: 0, duplicates: 2 });
    await ing.ingest('h1', [{ event: '$identify', distinct_id: 'user', uuid: '0190c000-0000-7000-8000-000000000003', properties: { $anon_distinct_id: 'anon' } }]);
    const rows = await s.engine.query<{ n: number; props: string }>(
      compile(sql`SELECT count() AS n, any(properties) AS props FROM events WHERE project_id = 'h1' AND event = 'ad_click'`),
    );
    expect(rows[0]!.n).toBe(1);
    expect(JSON.parse(rows[0]!.props)).toEqual({ channel: 'seo', nested: { a: [1, 2] } });
    const [{ o }] = (await s.engine.query<{ o: number }>(compile(sql`SELECT count() AS o FROM person_overrides WHERE project_id = 'h1'`))) as [{ o: number }];
    expect(o).toBe(1);
    // The merge as both persons' dense numbers, looked up as it was written (migration 0005).
    const [nums] = await s.engine.query<{ old_num: number; override_num: number; old_now: number; override_now: number }>(
      compile(sql`SELECT n.old_num AS old_num, n.override_num AS override_num,
        joinGet('person_numbers_join', 'num', 'h1', o.old_person_id) AS old_now, joinGet('person_numbers_join', 'num', 'h1', o.override_person_id) AS override_now
        FROM person_overrides AS o, person_override_numbers AS n WHERE o.project_id = 'h1' AND n.project_id = 'h1'`),
    );
    expect(Number(nums!.old_num)).toBeGreaterThan(0);
    expect(Number(nums!.override_num)).toBeGreaterThan(0);
    expect(Number(nums!.old_num)).not.toBe(Number(nums!.override_num));
    expect([Number(nums!.old_num), Number(nums!.override_num)]).toEqual([Number(nums!.old_now), Number(nums!.override_now)]);
    // The same merge in the Join table the bitmap counts look survivors up in (migration
    // 0007), written by its view; after a restart from before that table, by its backfill.
    const joined = async () =>
      (await s.engine.query<{ n: number }>(compile(sql`SELECT joinGet('person_override_numbers_join', 'override_num', 'h1', toUInt32(${p.uint32(Number(nums!.old_num))})) AS n`)))[0]!.n;
    expect(Number(await joined())).toBe(Number(nums!.override_num));
    await s.engine.command(compile(sql`TRUNCATE TABLE person_override_numbers_join`));
    expect(Number(await joined())).toBe(0);
    await s.engine.command({ sql: overrideNumbersJoin.statements.at(-1)!, params: {} });
    expect(Number(await joined())).toBe(Number(nums!.override_num));
  });
});
