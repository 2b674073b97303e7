import type { ChMigration } from '../migrate.js';

/** The dimension columns of `events` that `person_first_events` keeps for the first event. */
export const FIRST_EVENT_DIMENSIONS = ['channel', 'campaign', 'device_type', 'os', 'app_version', 'region'] as const;

const dims = FIRST_EVENT_DIMENSIONS.map((c) => `argMin(${c}, timestamp) AS ${c}`).join(', ');

/**
 * Each person's first event, per event name, over all events (`$any`) and over events with
 * a channel (`$touch`, the first touch of channel attribution), kept as events arrive, for
 * first-time counts (new persons) and first touches. Without it those read every event of
 * all history: on the 100 M-event demo a new-persons query by four dimensions took 21 s
 * (now 1 s), and a quarterly report asks several; first touches took 6.7 s of the 11 s
 * channel table.
 *
 * Rows are per ingest-time person: merges are applied at query time as for events (see
 * `firstTimes` in src/analyses/metrics/compile.ts). The view aggregates each inserted block;
 * rows of one person from several blocks are collapsed by merges, keeping the earliest
 * (`ver` falls as `first_at` rises), and queries take `min` / `argMin` over what is left,
 * so they are right before merges too. A retried event changes nothing (min of the same
 * values), so the table needs no dedup of its own. The backfill fills it from the events
 * already stored; re-running it only adds rows the merges collapse.
 */
const select = `SELECT project_id, ev AS event, person_id, min(timestamp) AS first_at, ${dims},
      bitShiftLeft(toUInt64(1), 62) - toUInt64(toUnixTimestamp64Milli(first_at)) AS ver
    FROM (SELECT project_id, person_id, timestamp, ${FIRST_EVENT_DIMENSIONS.join(', ')}, arrayJoin(if(channel != '', [toString(event), '$any', '$touch'], [toString(event), '$any'])) AS ev FROM events)
    GROUP BY project_id, ev, person_id`;

export const migration: ChMigration = {
  version: 2,
  name: 'first_events',
  statements: [
    `CREATE TABLE IF NOT EXISTS person_first_events (
      project_id LowCardinality(String),
      event LowCardinality(String),
      person_id UUID,
      first_at DateTime64(3, 'UTC'),
      ${FIRST_EVENT_DIMENSIONS.map((c) => `${c} LowCardinality(String)`).join(',\n      ')},
      ver UInt64
    )
    ENGINE = ReplacingMergeTree(ver)
    ORDER BY (project_id, event, person_id)`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS person_first_events_mv TO person_first_events AS
    ${select}`,
    // Spills to disk past 1 GB: on the 100 M-event demo the backfill holds 13 M groups
    // (157 s, 8.9 GB resident without the limit).
    `INSERT INTO person_first_events ${select} SETTINGS max_bytes_before_external_group_by = 1000000000`,
  ],
};
