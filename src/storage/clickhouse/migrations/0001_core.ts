import type { ChMigration } from '../migrate.js';

/**
 * The event store.
 *
 * events — one row per event. `person_id` is resolved at ingest from the distinct id, so
 * most queries need no join; merges that happen later are applied at query time through
 * the small `person_overrides` table (see src/analyses/shared/persons.ts).
 * The sort key puts project, day and event name first: every analysis filters on them,
 * and per-person work (funnels, retention) then reads only the events it names.
 * ReplacingMergeTree on the uuid-bearing key is the second line of idempotency: the first
 * is the ingest-time check against `event_ids` (see src/ingestion).
 *
 * Materialised columns hold the properties every analysis filters or groups on.
 */
export const migration: ChMigration = {
  version: 1,
  name: 'core',
  statements: [
    `CREATE TABLE IF NOT EXISTS events (
      project_id LowCardinality(String),
      uuid UUID,
      event LowCardinality(String),
      distinct_id String,
      person_id UUID,
      timestamp DateTime64(3, 'UTC'),
      properties String CODEC(ZSTD(1)),
      received_at DateTime64(3, 'UTC') DEFAULT now64(3),
      flags UInt8 DEFAULT 0,
      channel LowCardinality(String) MATERIALIZED if(JSONExtractString(properties, 'channel') != '', JSONExtractString(properties, 'channel'), JSONExtractString(properties, 'utm_source')),
      campaign LowCardinality(String) MATERIALIZED if(JSONExtractString(properties, 'campaign') != '', JSONExtractString(properties, 'campaign'), JSONExtractString(properties, 'utm_campaign')),
      device_type LowCardinality(String) MATERIALIZED JSONExtractString(properties, 'device_type'),
      os LowCardinality(String) MATERIALIZED JSONExtractString(properties, '$os'),
      app_version LowCardinality(String) MATERIALIZED JSONExtractString(properties, 'app_version'),
      region LowCardinality(String) MATERIALIZED JSONExtractString(properties, 'region'),
      revenue Float64 MATERIALIZED JSONExtractFloat(properties, 'revenue')
    )
    ENGINE = ReplacingMergeTree(received_at)
    PARTITION BY toYYYYMM(timestamp)
    ORDER BY (project_id, toDate(timestamp), event, cityHash64(distinct_id), cityHash64(uuid))`,

    // Ingest-time dedup index: a primary-key lookup by uuid answers "seen before?".
    `CREATE TABLE IF NOT EXISTS event_ids (
      project_id LowCardinality(String),
      uuid UUID,
      timestamp DateTime64(3, 'UTC')
    )
    ENGINE = ReplacingMergeTree
    ORDER BY (project_id, uuid)
    SETTINGS index_granularity = 1024`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS event_ids_mv TO event_ids AS
      SELECT project_id, uuid, timestamp FROM events`,

    // Which person a distinct id belongs to (latest version wins).
    `CREATE TABLE IF NOT EXISTS person_distinct_ids (
      project_id LowCardinality(String),
      distinct_id String,
      person_id UUID,
      version UInt64
    )
    ENGINE = ReplacingMergeTree(version)
    ORDER BY (project_id, distinct_id)`,

    // A person merged into another after some of its events were written.
    `CREATE TABLE IF NOT EXISTS person_overrides (
      project_id LowCardinality(String),
      old_person_id UUID,
      override_person_id UUID,
      version UInt64
    )
    ENGINE = ReplacingMergeTree(version)
    ORDER BY (project_id, old_person_id)`,

    // Person properties from $set / $set_once; the latest version wins.
    `CREATE TABLE IF NOT EXISTS persons (
      project_id LowCardinality(String),
      id UUID,
      properties String CODEC(ZSTD(1)),
      created_at DateTime64(3, 'UTC'),
      version UInt64
    )
    ENGINE = ReplacingMergeTree(version)
    ORDER BY (project_id, id)`,

    // Ad spend is not user-level: one row per project, day, channel and campaign.
    // Re-importing the same day replaces it (latest inserted_at wins; read with FINAL).
    `CREATE TABLE IF NOT EXISTS ad_spend (
      project_id LowCardinality(String),
      date Date,
      channel LowCardinality(String),
      campaign String,
      impressions UInt64,
      clicks UInt64,
      cost Float64,
      currency LowCardinality(String),
      inserted_at DateTime64(3, 'UTC') DEFAULT now64(3)
    )
    ENGINE = ReplacingMergeTree(inserted_at)
    ORDER BY (project_id, date, channel, campaign)`,
  ],
};
