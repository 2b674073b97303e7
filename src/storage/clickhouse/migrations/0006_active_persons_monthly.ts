import type { ChMigration } from '../migrate.js';
import { anyRollupColumns } from './0004_active_persons_any.js';

/**
 * Persons active in any event per UTC calendar month and dimension value: the daily
 * bitmaps of migration 0004 merged by month.
 *
 * Why: active persons over a quarter, by four dimensions, merged ~30 daily states per
 * dimension value for each whole month inside the period. On the 100 M demo a Shanghai
 * quarter (which holds one whole UTC month as of its 51st day, two or three once it ends)
 * took 1.39 s by four dimensions reading days, 1.07 s reading its whole UTC month from
 * here (median of five, same rows). A UTC month lies inside a local quarter, half-year or
 * year of any whole-hour zone, but never inside a local month east or west of UTC: months
 * of such zones keep reading days and hours (see `rollupSpans` in
 * src/analyses/shared/active-persons.ts).
 *
 * Filled by a view on `active_persons_any_daily`'s inserts (which its own view on
 * `active_persons_hourly` writes), so an insert into `events` merges a few already-merged
 * daily rows more; the backfill merges the stored daily rows (1.3 s on the 100 M demo).
 */
const monthlySelect = `SELECT project_id, dimension, toStartOfMonth(day) AS month, value, groupBitmapMergeState(persons) AS persons, sum(events) AS events
    FROM active_persons_any_daily
    GROUP BY project_id, dimension, month, value`;

export const migration: ChMigration = {
  version: 6,
  name: 'active_persons_monthly',
  statements: [
    `CREATE TABLE IF NOT EXISTS active_persons_any_monthly (${anyRollupColumns('month Date')})
    ENGINE = AggregatingMergeTree
    ORDER BY (project_id, dimension, month, value)`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS active_persons_any_monthly_mv TO active_persons_any_monthly AS
    ${monthlySelect}`,
    // Re-running after a crash adds the same persons to bitmaps that hold them already; the
    // events column (used only to rank values and to cost the read) would count twice.
    `INSERT INTO active_persons_any_monthly ${monthlySelect} SETTINGS max_bytes_before_external_group_by = 1000000000`,
  ],
};
