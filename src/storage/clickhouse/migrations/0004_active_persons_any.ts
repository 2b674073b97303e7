import type { ChMigration } from '../migrate.js';

/**
 * Persons active in any event, per UTC hour and per UTC day and dimension value: the same
 * roaring bitmaps as `active_persons_hourly` (migration 0003), merged across event names.
 *
 * Why: "active persons" (any event) over a quarter, split by four dimensions, read every
 * event's hourly state of the quarter (0.65–1.1 M states) or, cheaper, 51 M events with the
 * identity join (~7 s on the 100 M demo). Per UTC day and across events the same quarter
 * is ~5 k states (measured: ~0.4 s per dimension).
 *
 * A UTC day is a local day only in zones at UTC+0, so a query in another zone reads a
 * bucket as its whole UTC days from `active_persons_any_daily` and the hours at its edges
 * from `active_persons_any_hourly` (see `rollupSpans` in src/analyses/shared/active-persons.ts).
 * The hourly table exists for those edges: read from `active_persons_hourly`, whose rows are
 * ordered by event first, two edges of a quarter touched ~40 granules of 8,192 states each
 * (1.5 s per dimension).
 *
 * Both are filled by views on `active_persons_hourly`'s inserts (a view on a view's target
 * fires with the rows that view wrote), so an insert into `events` pays for merging its
 * already-aggregated hourly rows, not for reading the events again.
 */
/** The columns of the any-event rollups, with the bucket's time column (also migration 0006). */
export const anyRollupColumns = (time: string) => `project_id LowCardinality(String),
      dimension LowCardinality(String),
      ${time},
      value String,
      persons AggregateFunction(groupBitmap, UInt32),
      events SimpleAggregateFunction(sum, UInt64)`;

const hourlySelect = `SELECT project_id, dimension, hour, value, groupBitmapMergeState(persons) AS persons, sum(events) AS events
    FROM active_persons_hourly
    GROUP BY project_id, dimension, hour, value`;
const dailySelect = `SELECT project_id, dimension, toDate(hour) AS day, value, groupBitmapMergeState(persons) AS persons, sum(events) AS events
    FROM active_persons_hourly
    GROUP BY project_id, dimension, day, value`;
// Spills to disk past 1 GB, as the earlier backfills do.
const spill = 'SETTINGS max_bytes_before_external_group_by = 1000000000';

export const migration: ChMigration = {
  version: 4,
  name: 'active_persons_any',
  statements: [
    `CREATE TABLE IF NOT EXISTS active_persons_any_hourly (${anyRollupColumns("hour DateTime('UTC')")})
    ENGINE = AggregatingMergeTree
    PARTITION BY toYYYYMM(hour)
    ORDER BY (project_id, dimension, hour, value)`,
    `CREATE TABLE IF NOT EXISTS active_persons_any_daily (${anyRollupColumns('day Date')})
    ENGINE = AggregatingMergeTree
    PARTITION BY toYYYYMM(day)
    ORDER BY (project_id, dimension, day, value)`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS active_persons_any_hourly_mv TO active_persons_any_hourly AS
    ${hourlySelect}`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS active_persons_any_daily_mv TO active_persons_any_daily AS
    ${dailySelect}`,
    `INSERT INTO active_persons_any_hourly ${hourlySelect} ${spill}`,
    `INSERT INTO active_persons_any_daily ${dailySelect} ${spill}`,
  ],
};
