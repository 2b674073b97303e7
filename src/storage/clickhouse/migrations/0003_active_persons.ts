import type { ChMigration } from '../migrate.js';
import { FIRST_EVENT_DIMENSIONS } from './0002_first_events.js';

/**
 * Dense person numbers and hourly bitmaps of active persons, for distinct-person counts
 * (DAU / WAU / MAU, unique persons) that do not hash every event's person at query time.
 *
 * Why: in the 100 M-event demo `app_launch` happens once per active person-day, so no
 * pre-aggregate of rows helps: 90 days of DAU by channel are 17.7 M (person, day) pairs and
 * the exact distinct count over 16-byte UUIDs, plus the identity join, took 5.2 s. Kept as
 * roaring bitmaps of small dense numbers, the same counts are unions of bitmaps that were
 * built once at ingest (measured on that demo: 1.0 s for the 90 days by channel).
 *
 * - `person_numbers`: each person (ingest-time person id) gets a dense UInt32 per project,
 *   assigned by the one writer (src/ingestion/identity.ts) before the person's first event
 *   is inserted. `person_numbers_join` holds the same pairs in memory (Join engine, last
 *   write wins) so that the view below can look numbers up with `joinGet` while inserting.
 *   A person without a number maps to 0, and queries that meet a 0 fall back to events.
 * - `active_persons_hourly`: per project, event, UTC hour and dimension value, the bitmap of
 *   the persons (ingest-time numbers) who did the event, and how many events. Dimension ''
 *   is the total; the others are the materialised dimension columns of `events`. Hours, not
 *   local days, so one table serves every time zone whose offset is whole hours (queries
 *   in other zones, or with ranges that cut an hour, read events). Merges are applied at
 *   query time through `person_overrides` (src/analyses/shared/active-persons.ts).
 *   A retried event adds its person to a bitmap that already holds it: the counts of
 *   persons never change; `events` (used only to rank breakdown values) would count it.
 *
 * The backfills number the persons already stored and fill the bitmaps from stored events;
 * each is deterministic, so re-running after a crash adds nothing to the person counts.
 */
/** The dimension columns `active_persons_hourly` keeps besides the total (''). */
export const ACTIVE_PERSON_DIMENSIONS = FIRST_EVENT_DIMENSIONS;
const DIMENSIONS = ['', ...ACTIVE_PERSON_DIMENSIONS];
const dimensionPairs = `[${DIMENSIONS.map((d) => (d ? `('${d}', toString(${d}))` : `('', '')`)).join(', ')}]`;

// The number is looked up once per event, before each event is fanned out to its dimensions.
const hourlySelect = `SELECT project_id, event, hour, d.1 AS dimension, d.2 AS value, groupBitmapState(num) AS persons, count() AS events
    FROM (
      SELECT project_id, event, toStartOfHour(toDateTime(timestamp, 'UTC')) AS hour,
        joinGet('person_numbers_join', 'num', toString(project_id), person_id) AS num, ${dimensionPairs} AS dims
      FROM events
    )
    ARRAY JOIN dims AS d
    GROUP BY project_id, event, hour, dimension, value`;

export const migration: ChMigration = {
  version: 3,
  name: 'active_persons',
  statements: [
    `CREATE TABLE IF NOT EXISTS person_numbers (
      project_id LowCardinality(String),
      person_id UUID,
      num UInt32
    )
    ENGINE = ReplacingMergeTree
    ORDER BY (project_id, person_id)`,
    `CREATE TABLE IF NOT EXISTS person_numbers_join (
      project_id String,
      person_id UUID,
      num UInt32
    )
    ENGINE = Join(ANY, LEFT, project_id, person_id)
    SETTINGS join_any_take_last_row = 1`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS person_numbers_mv TO person_numbers_join AS
    SELECT toString(project_id) AS project_id, person_id, num FROM person_numbers`,
    // Every person id the event side knows, numbered 1… per project in id order.
    `INSERT INTO person_numbers (project_id, person_id, num)
    SELECT project_id, person_id, toUInt32(row_number() OVER (PARTITION BY project_id ORDER BY person_id))
    FROM (
      SELECT DISTINCT project_id, person_id FROM (
        SELECT project_id, person_id FROM events
        UNION ALL SELECT project_id, person_id FROM person_distinct_ids
        UNION ALL SELECT project_id, old_person_id AS person_id FROM person_overrides
        UNION ALL SELECT project_id, override_person_id AS person_id FROM person_overrides
      )
    )`,
    `CREATE TABLE IF NOT EXISTS active_persons_hourly (
      project_id LowCardinality(String),
      event LowCardinality(String),
      hour DateTime('UTC'),
      dimension LowCardinality(String),
      value String,
      persons AggregateFunction(groupBitmap, UInt32),
      events SimpleAggregateFunction(sum, UInt64)
    )
    ENGINE = AggregatingMergeTree
    PARTITION BY toYYYYMM(hour)
    ORDER BY (project_id, event, dimension, hour, value)`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS active_persons_hourly_mv TO active_persons_hourly AS
    ${hourlySelect}`,
    // Spills to disk past 1 GB, as the first-events backfill does.
    `INSERT INTO active_persons_hourly ${hourlySelect} SETTINGS max_bytes_before_external_group_by = 1000000000`,
  ],
};
