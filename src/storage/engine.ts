import type { CompiledQuery } from '../sql/types.js';

/** Tables fupan writes to; insert targets come from this list only. */
export const TABLES = [
  'events',
  'persons',
  'person_distinct_ids',
  'person_overrides',
  'person_numbers',
  'ad_spend',
  'fupan_migrations',
] as const;
/**
 * The ClickHouse tables that hold a project's rows (each has `project_id`), in the order the
 * demo reset clears them (src/demo/sql/reset.ts); the SQL console scopes every one of them
 * to the caller's project (src/app/sql.ts). A migration that adds such a table lists it here.
 */
export const PROJECT_TABLES = [
  'events',
  'event_ids',
  'person_distinct_ids',
  'person_overrides',
  'persons',
  'ad_spend',
  'person_first_events',
  'person_numbers',
  'person_override_numbers',
  'active_persons_hourly',
  'active_persons_any_hourly',
  'active_persons_any_daily',
  'active_persons_any_monthly',
] as const;

export type TableName = (typeof TABLES)[number] | (string & { readonly __table?: never });

export interface QueryOptions {
  signal?: AbortSignal;
  /** Engine settings for this query (names and values chosen by code). */
  settings?: Record<string, string | number | boolean>;
}

export interface InsertOptions {
  /** Explicit column list, when rows do not carry every column. */
  columns?: readonly string[];
  signal?: AbortSignal;
  /**
   * The caller guarantees no two rows of this insert share a sorting key (the capture
   * writer removes repeats before it inserts), so the engine can skip the in-block
   * replacing pass of a ReplacingMergeTree (`optimize_on_insert = 0`): measured at 90k →
   * 155k rows/s for 200k-row inserts into the events table on this 2-core machine.
   */
  rowsAreUnique?: boolean;
}

/** Rows to insert: an array of objects, or a stream of them (consumed with backpressure). */
export type InsertSource = readonly Record<string, unknown>[] | AsyncIterable<Record<string, unknown>>;

/**
 * The storage contract both engines honour (chDB in-process, ClickHouse over HTTP). One
 * contract test suite runs against each. Results are JSON rows; 64-bit integers come
 * back as numbers on both engines.
 */
export interface Engine {
  readonly kind: 'chdb' | 'clickhouse';
  /** Runs a read query and returns its rows. */
  query<T = Record<string, unknown>>(q: CompiledQuery, options?: QueryOptions): Promise<T[]>;
  /** Inserts rows (JSONEachRow); resolves once the engine has written them durably. */
  insert(table: TableName, rows: InsertSource, options?: InsertOptions): Promise<{ rows: number }>;
  /**
   * Inserts rows already serialised as JSONEachRow (one JSON object per line), so a hot
   * path (the capture pipeline) can build the payload once, off the engine's critical
   * path. Objects may be written into String columns (stored as their JSON text).
   * Optional so wrappers need not forward it; callers fall back to `insert`.
   */
  insertJsonLines?(table: TableName, payload: Buffer, options?: InsertOptions): Promise<void>;
  /** Runs a statement that returns nothing (DDL, INSERT … SELECT, OPTIMIZE). */
  command(q: CompiledQuery, options?: QueryOptions): Promise<void>;
  close(): Promise<void>;
}

/** Settings both engines apply to every query so results have one shape. */
export const COMMON_SETTINGS = {
  output_format_json_quote_64bit_integers: 0,
  output_format_json_quote_64bit_floats: 0,
  date_time_output_format: 'iso',
} as const;
