import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, sql } from '../../sql/index.js';
import { type FixtureEvent } from '../../../test/fixtures/analyses/events.js';
import { loadBlueprint } from '../../../test/helpers/analysis.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { EVENT_NUMBER_COLUMNS, migration } from '../../storage/clickhouse/migrations/0008_event_number_columns.js';
import { EVENT_TEXT_COLUMNS, migration as textMigration } from '../../storage/clickhouse/migrations/0009_event_text_columns.js';
import { eventPropertyNumber, eventPropertyString, propertyNumber, propertyString } from './properties.js';

/**
 * Blueprint (project `nc`), one event each on 2025-07-01:
 *   order_refunded  refund_amount 12.5        → 12.5
 *   order_refunded  refund_amount "7.25"      → 7.25 (a numeric string, as spreadsheets export it)
 *   order_refunded  refund_amount "abc"       → NULL
 *   order_refunded  (no refund_amount)        → NULL
 *   survey_response score 9 / "10" / none     → 9 / 10 / NULL
 *                   comment "很好 <b>" / 42 / none → "很好 <b>" / "42" / ''
 *   order_paid      refund_amount 99, score 3, comment "x" → NULL, NULL, '' (not their event)
 * Sum of refunds = 12.5 + 7.25 = 19.75; sum of scores = 19.
 */
const EVENTS: FixtureEvent[] = [
  { person: 'a', event: 'order_refunded', at: '2025-07-01T01:00:00Z', props: { refund_amount: 12.5 } },
  { person: 'a', event: 'order_refunded', at: '2025-07-01T02:00:00Z', props: { refund_amount: '7.25' } },
  { person: 'b', event: 'order_refunded', at: '2025-07-01T03:00:00Z', props: { refund_amount: 'abc' } },
  { person: 'b', event: 'order_refunded', at: '2025-07-01T04:00:00Z', props: {} },
  { person: 'a', event: 'survey_response', at: '2025-07-01T05:00:00Z', props: { score: 9, comment: '很好 <b>' } },
  { person: 'b', event: 'survey_response', at: '2025-07-01T06:00:00Z', props: { score: '10', comment: 42 } },
  { person: 'c', event: 'survey_response', at: '2025-07-01T07:00:00Z', props: {} },
  { person: 'c', event: 'order_paid', at: '2025-07-01T08:00:00Z', props: { refund_amount: 99, score: 3, revenue: 10, comment: 'x' } },
];

let storage: TestStorage;
beforeAll(async () => {
  storage = await openTestStorage();
  await loadBlueprint(storage.engine, 'nc', EVENTS);
});
afterAll(() => storage?.close());

/** Each event's column and the JSON reading of the same property, in time order. */
async function pairs(column: string, property: string) {
  return storage.engine.query<{ event: string; col: number | null; json: number | null }>(
    compile(sql`SELECT event, ${sql.trusted(column)} AS col, ${propertyNumber(property)} AS json FROM events WHERE project_id = 'nc' ORDER BY timestamp`),
  );
}

describe('event columns of documented properties (migrations 0008, 0009)', () => {
  it('hold the JSON reading of the property on their event and NULL on every other', async () => {
    for (const c of EVENT_NUMBER_COLUMNS) {
      const rows = await pairs(c.column, c.property);
      for (const r of rows) expect(r.col).toEqual(r.event === c.event ? r.json : null);
    }
    const refunds = (await pairs('num_refund_amount', 'refund_amount')).map((r) => r.col);
    expect(refunds).toEqual([12.5, 7.25, null, null, null, null, null, null]);
    const scores = (await pairs('num_score', 'score')).map((r) => r.col);
    expect(scores).toEqual([null, null, null, null, 9, 10, null, null]);
  });

  it('keep the comment of a survey answer as text, as the JSON reads it (migration 0009)', async () => {
    const [c] = EVENT_TEXT_COLUMNS;
    const rows = await storage.engine.query<{ event: string; col: string; json: string }>(
      compile(sql`SELECT event, txt_comment AS col, ${propertyString('comment')} AS json FROM events WHERE project_id = 'nc' ORDER BY timestamp`),
    );
    for (const r of rows) expect(r.col).toBe(r.event === c.event ? r.json : '');
    expect(rows.map((r) => r.col)).toEqual(['', '', '', '', '很好 <b>', '42', '', '']);
    expect(compile(eventPropertyString('survey_response', 'comment')).sql).toBe('`txt_comment`');
    expect(compile(eventPropertyString('order_paid', 'comment')).sql).toContain('JSONType');
  });

  it('are read only where every row is their event', () => {
    const text = (f: ReturnType<typeof propertyNumber>) => compile(f).sql;
    expect(text(eventPropertyNumber('order_refunded', 'refund_amount'))).toBe('`num_refund_amount`');
    expect(text(eventPropertyNumber('survey_response', 'score'))).toBe('`num_score`');
    // Another event, or another property of the event: the JSON, as before.
    expect(text(eventPropertyNumber('order_paid', 'refund_amount'))).toContain('JSONExtract');
    expect(text(eventPropertyNumber('order_refunded', 'score'))).toContain('JSONExtract');
    expect(text(eventPropertyNumber('$any', 'score'))).toContain('JSONExtract');
  });

  it('give the same numbers to rows written before the migration, before and after the rewrite', async () => {
    // A data directory from before 0008: the columns dropped, the events written again.
    const e = storage.engine;
    for (const c of [...EVENT_NUMBER_COLUMNS, ...EVENT_TEXT_COLUMNS]) await e.command(compile(sql.trusted(`ALTER TABLE events DROP COLUMN ${c.column}`)));
    await loadBlueprint(e, 'nc_old', EVENTS);
    const sums = async () =>
      (
        await e.query<{ r: number; s: number }>(
          compile(sql`SELECT sumIf(num_refund_amount, event = 'order_refunded') AS r, sumIf(num_score, event = 'survey_response') AS s, arrayStringConcat(groupArray(txt_comment), '/') AS c FROM (SELECT event, num_refund_amount, num_score, txt_comment FROM events WHERE project_id = 'nc_old' ORDER BY timestamp)`),
        )
      )[0]!;
    const adds = [...migration.statements.slice(0, EVENT_NUMBER_COLUMNS.length), ...textMigration.statements.slice(0, EVENT_TEXT_COLUMNS.length)];
    const rewrites = [...migration.statements.slice(EVENT_NUMBER_COLUMNS.length), ...textMigration.statements.slice(EVENT_TEXT_COLUMNS.length)];
    for (const statement of adds) await e.command({ sql: statement, params: {} });
    // Computed from the JSON on read while the parts lack the column.
    const expected = { r: 19.75, s: 19, c: '////很好 <b>/42//' };
    expect(await sums()).toEqual(expected);
    for (const statement of rewrites) await e.command({ sql: statement, params: {} });
    // The rewrite runs in the background; wait for it, then the parts hold the column.
    const pending = async () => Number((await e.query<{ n: number }>(compile(sql`SELECT count() AS n FROM system.mutations WHERE table = 'events' AND NOT is_done`)))[0]!.n);
    for (let i = 0; i < 200 && (await pending()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await pending()).toBe(0);
    expect(await sums()).toEqual(expected);
  });
});
