import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage, type EngineKind, type TestStorage } from '../../test/helpers/storage.js';
import { compile, p, sql } from '../sql/index.js';
import { migrateClickHouse } from './clickhouse/migrate.js';
import { migration as firstEvents } from './clickhouse/migrations/0002_first_events.js';

/**
 * The storage contract, run against both engines: chDB in-process, and the HTTP engine's
 * code path (`@clickhouse/client`) plugged into chDB through `chdb/connection`.
 */
const kind = (process.env.FUPAN_TEST_ENGINE as EngineKind | undefined) ?? 'chdb';

for (const engineKind of ['chdb', 'clickhouse-http'] as const) {
  if (engineKind !== kind && process.env.FUPAN_TEST_ENGINE) continue;
  describe.runIf(engineKind === kind || !process.env.FUPAN_TEST_ENGINE)(`engine contract: ${engineKind}`, () => {
    let s: TestStorage;
    beforeAll(async () => {
      s = await openTestStorage(engineKind);
    });
    afterAll(async () => s?.close());

    it('binds typed parameters and never splices values', async () => {
      const hostile = "x'); DROP TABLE events; --";
      const rows = await s.engine.query<{ v: string; n: number; a: string[] }>(
        compile(sql`SELECT ${p.string(hostile)} AS v, ${p.uint32(42)} + 1 AS n, ${p.strings(['a', "b'"])} AS a`),
      );
      expect(rows).toEqual([{ v: hostile, n: 43, a: ['a', "b'"] }]);
      const tables = await s.engine.query<{ name: string }>(compile(sql`SELECT name FROM system.tables WHERE database = currentDatabase() AND name = 'events'`));
      expect(tables).toHaveLength(1);
    });

    it('inserts rows and a stream, and returns 64-bit counts as numbers', async () => {
      const row = (i: number) => ({
        project_id: `proj_${engineKind.replace('-', '_')}`,
        uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        event: 'e',
        distinct_id: `d${i}`,
        person_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        timestamp: '2025-07-01 00:00:00.000',
        properties: JSON.stringify({ channel: 'douyin', revenue: i }),
      });
      await s.engine.insert('events', [row(1), row(2)]);
      async function* stream() {
        for (let i = 3; i <= 1000; i++) yield row(i);
      }
      const r = await s.engine.insert('events', stream());
      expect(r.rows).toBe(998);
      const [c] = await s.engine.query<{ c: number; rev: number; ch: string }>(
        compile(sql`SELECT count() AS c, sum(revenue) AS rev, any(channel) AS ch FROM events WHERE project_id = ${p.string(`proj_${engineKind.replace('-', '_')}`)}`),
      );
      expect(c).toEqual({ c: 1000, rev: 500500, ch: 'douyin' });
    });

    it('runs commands and migrations idempotently', async () => {
      expect(await migrateClickHouse(s.engine)).toEqual([]);
      await s.engine.command(compile(sql`CREATE TABLE IF NOT EXISTS contract_t (a UInt8) ENGINE = MergeTree ORDER BY a`));
      await s.engine.command(compile(sql`INSERT INTO contract_t SELECT number FROM numbers(${p.uint32(5)})`));
      const rows = await s.engine.query<{ s: number }>(compile(sql`SELECT sum(a) AS s FROM contract_t`));
      expect(rows[0]?.s).toBe(10);
    });

    it('keeps each person\'s first event per event name, over all events and with a channel, and backfills from stored events', async () => {
      // Person 1: 'b' on 07-03 (wechat) arrives first, then 'a' on 07-02 (douyin) and 'b' on
      // 07-01 (baidu) in a later insert: first 'b' is 07-01 / baidu, first 'a' 07-02 / douyin,
      // first of any event 07-01 / baidu. Person 2: one 'a' on 07-05 (organic). Every event
      // has a channel, so the first touches ($touch) are the first events; person 3's event
      // has none and gives no touch.
      const project = `first_${engineKind.replace('-', '_')}`;
      const ev = (i: number, person: number, event: string, day: string, channel: string) => ({
        project_id: project,
        uuid: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
        event,
        distinct_id: `d${person}`,
        person_id: `00000000-0000-4000-a000-${String(person).padStart(12, '0')}`,
        timestamp: `2025-07-${day} 09:00:00.000`,
        properties: JSON.stringify({ channel }),
      });
      await s.engine.insert('events', [ev(1, 1, 'b', '03', 'wechat')]);
      await s.engine.insert('events', [ev(2, 1, 'a', '02', 'douyin'), ev(3, 1, 'b', '01', 'baidu'), ev(4, 2, 'a', '05', 'organic'), ev(5, 3, 'c', '06', '')]);
      const read = () =>
        s.engine.query<{ event: string; person: string; first: string; channel: string }>(
          compile(sql`SELECT event, right(toString(person_id), 1) AS person, toString(toDate(min(first_at))) AS first, argMin(channel, first_at) AS channel
            FROM person_first_events WHERE project_id = ${p.string(project)} GROUP BY event, person_id ORDER BY event, person`),
        );
      const expected = [
        { event: '$any', person: '1', first: '2025-07-01', channel: 'baidu' },
        { event: '$any', person: '2', first: '2025-07-05', channel: 'organic' },
        { event: '$any', person: '3', first: '2025-07-06', channel: '' },
        { event: '$touch', person: '1', first: '2025-07-01', channel: 'baidu' },
        { event: '$touch', person: '2', first: '2025-07-05', channel: 'organic' },
        { event: 'a', person: '1', first: '2025-07-02', channel: 'douyin' },
        { event: 'a', person: '2', first: '2025-07-05', channel: 'organic' },
        { event: 'b', person: '1', first: '2025-07-01', channel: 'baidu' },
        { event: 'c', person: '3', first: '2025-07-06', channel: '' },
      ];
      expect(await read()).toEqual(expected);
      // A data directory from before the table: the migration's backfill rebuilds the rows.
      await s.engine.command(compile(sql`DELETE FROM person_first_events WHERE project_id = ${p.string(project)}`));
      expect(await read()).toEqual([]);
      await s.engine.command({ sql: firstEvents.statements.at(-1)!, params: {} });
      expect(await read()).toEqual(expected);
    });

    it('applies per-query settings (read-only refuses writes)', async () => {
      await expect(
        s.engine.query(compile(sql`SELECT 1 FROM contract_t`), { settings: { max_result_rows: 10, readonly: 1 } }),
      ).resolves.toHaveLength(5);
      await expect(s.engine.command(compile(sql`INSERT INTO contract_t VALUES (1)`), { settings: { readonly: 1 } })).rejects.toThrow();
    });

    it('turns engine errors into query_failed', async () => {
      await expect(s.engine.query(compile(sql`SELECT nope FROM events`))).rejects.toMatchObject({ code: 'query_failed' });
    });
  });
}
