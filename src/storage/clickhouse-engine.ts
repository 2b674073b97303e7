import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import type { CompiledQuery } from '../sql/types.js';
import { engineError, insertTable } from './chdb-engine.js';
import { COMMON_SETTINGS, type Engine, type InsertOptions, type InsertSource, type QueryOptions, type TableName } from './engine.js';
import { Readable } from 'node:stream';

export interface ClickHouseEngineOptions {
  url?: string;
  /** A prebuilt client; tests pass one wired to chDB through `chdb/connection`. */
  client?: ClickHouseClient;
}

/**
 * ClickHouse over HTTP with `@clickhouse/client` — a server or a cluster. The same
 * compiled queries run here and on chDB; the contract tests prove it.
 */
export class ClickHouseEngine implements Engine {
  readonly kind = 'clickhouse' as const;
  private client: ClickHouseClient;

  constructor(options: ClickHouseEngineOptions) {
    this.client =
      options.client ??
      createClient({
        url: options.url,
        clickhouse_settings: { ...COMMON_SETTINGS, wait_end_of_query: 1 },
        compression: { request: false, response: true },
      });
  }

  async query<T>(q: CompiledQuery, options: QueryOptions = {}): Promise<T[]> {
    try {
      const rs = await this.client.query({
        query: q.sql,
        query_params: q.params,
        format: 'JSONEachRow',
        clickhouse_settings: { ...COMMON_SETTINGS, ...options.settings } as unknown as ClickHouseSettings,
        ...(options.signal ? { abort_signal: options.signal } : {}),
      });
      return (await rs.json()) as T[];
    } catch (e) {
      throw engineError(e);
    }
  }

  async command(q: CompiledQuery, options: QueryOptions = {}): Promise<void> {
    try {
      await this.client.command({
        query: q.sql,
        query_params: q.params,
        clickhouse_settings: { ...options.settings } as unknown as ClickHouseSettings,
        ...(options.signal ? { abort_signal: options.signal } : {}),
      });
    } catch (e) {
      throw engineError(e);
    }
  }

  async insert(table: TableName, rows: InsertSource, options: InsertOptions = {}): Promise<{ rows: number }> {
    const settings = options.rowsAreUnique ? { clickhouse_settings: { optimize_on_insert: 0 as const } } : {};
    try {
      if (Array.isArray(rows)) {
        if (rows.length === 0) return { rows: 0 };
        await this.client.insert({
          table,
          values: rows as Record<string, unknown>[],
          format: 'JSONEachRow',
          ...settings,
          ...(options.columns ? { columns: [...options.columns] as [string, ...string[]] } : {}),
        });
        return { rows: rows.length };
      }
      const counter = { rows: 0 };
      await this.client.insert({
        table,
        // The client wants an object-mode stream for JSONEachRow and serialises each row.
        values: Readable.from(countRows(rows as AsyncIterable<Record<string, unknown>>, counter)),
        format: 'JSONEachRow',
        ...settings,
        ...(options.columns ? { columns: [...options.columns] as [string, ...string[]] } : {}),
      });
      return { rows: counter.rows };
    } catch (e) {
      throw engineError(e);
    }
  }

  async insertJsonLines(table: TableName, payload: Buffer, options: InsertOptions = {}): Promise<void> {
    if (payload.length === 0) return;
    const columns = options.columns ? ` (${options.columns.map((c) => insertTable(c)).join(', ')})` : '';
    try {
      const result = await this.client.exec({
        query: `INSERT INTO ${insertTable(table)}${columns} FORMAT JSONEachRow`,
        values: Readable.from([payload]),
        clickhouse_settings: { input_format_json_read_objects_as_strings: 1, ...(options.rowsAreUnique ? { optimize_on_insert: 0 as const } : {}) },
        ...(options.signal ? { abort_signal: options.signal } : {}),
      });
      result.stream.resume();
      await new Promise<void>((resolve, reject) => {
        result.stream.once('end', resolve).once('close', resolve).once('error', reject);
      });
    } catch (e) {
      throw engineError(e);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

async function* countRows(rows: AsyncIterable<Record<string, unknown>>, counter: { rows: number }) {
  for await (const row of rows) {
    counter.rows++;
    yield row;
  }
}
