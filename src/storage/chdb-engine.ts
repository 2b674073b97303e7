import { mkdirSync } from 'node:fs';
import { Session } from 'chdb';
import { FupanError } from '../core/errors/index.js';
import type { CompiledQuery } from '../sql/types.js';
import { COMMON_SETTINGS, type Engine, type InsertOptions, type InsertSource, type QueryOptions, type TableName } from './engine.js';
import { parseJsonEachRow, toJsonEachRowChunks } from './rows.js';

/**
 * ClickHouse in-process through chDB, on a data directory. chDB binds one data directory
 * per process, so a process holds one ChdbEngine; the data-directory lock (lock.ts)
 * keeps a second process away.
 */
export class ChdbEngine implements Engine {
  readonly kind = 'chdb' as const;
  private session: Session;

  constructor(readonly path: string) {
    mkdirSync(path, { recursive: true });
    this.session = new Session(path, {
      // Load tables before the first query, so a restart after a crash answers from a
      // fully loaded catalogue instead of racing the async loader.
      connectionArgs: [
        '--async_load_databases=0',
        '--async_load_system_database=0',
        ...Object.entries(COMMON_SETTINGS).map(([k, v]) => `--${k}=${v}`),
      ],
    });
  }

  async query<T>(q: CompiledQuery, options: QueryOptions = {}): Promise<T[]> {
    const text = await this.run(q, options);
    return parseJsonEachRow<T>(text);
  }

  async command(q: CompiledQuery, options: QueryOptions = {}): Promise<void> {
    await this.run(q, options, 'Null');
  }

  async insert(table: TableName, rows: InsertSource, options: InsertOptions = {}): Promise<{ rows: number }> {
    const columns = options.columns ? [...options.columns] : undefined;
    const settings = options.rowsAreUnique ? { settings: { optimize_on_insert: 0 } } : {};
    try {
      if (Array.isArray(rows)) {
        if (rows.length === 0) return { rows: 0 };
        const payload = Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n'));
        await this.session.insert({ table, values: payload, format: 'JSONEachRow', ...settings, ...(columns ? { columns } : {}) });
        return { rows: rows.length };
      }
      const counter = { rows: 0 };
      await this.session.insert({
        table,
        values: toJsonEachRowChunks(rows, 4 * 1024 * 1024, counter),
        format: 'JSONEachRow',
        ...settings,
        ...(columns ? { columns } : {}),
      });
      return { rows: counter.rows };
    } catch (e) {
      throw engineError(e);
    }
  }

  async insertJsonLines(table: TableName, payload: Buffer, options: InsertOptions = {}): Promise<void> {
    if (payload.length === 0) return;
    try {
      await this.session.insert({
        table: insertTable(table),
        values: payload,
        format: 'JSONEachRow',
        settings: { input_format_json_read_objects_as_strings: 1, ...(options.rowsAreUnique ? { optimize_on_insert: 0 } : {}) },
        ...(options.columns ? { columns: [...options.columns] } : {}),
      });
    } catch (e) {
      throw engineError(e);
    }
  }

  async close(): Promise<void> {
    this.session.close();
  }

  private async run(q: CompiledQuery, options: QueryOptions, format = 'JSONEachRow'): Promise<string> {
    // chDB takes per-query settings only as a SETTINGS clause; names and values here
    // come from code (see QueryOptions), and numbers are forced to numbers.
    const extra = Object.entries(options.settings ?? {});
    const sqlText = extra.length
      ? `${q.sql}\nSETTINGS ${extra.map(([k, v]) => `${settingName(k)} = ${settingValue(v)}`).join(', ')}`
      : q.sql;
    try {
      const result = await this.session.queryBindAsync(sqlText, q.params, {
        format,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return format === 'Null' ? '' : result.text();
    } catch (e) {
      throw engineError(e);
    }
  }
}

function settingName(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new RangeError(`setting name not allowed: ${name}`);
  return name;
}

function settingValue(v: string | number | boolean): string {
  if (typeof v === 'number') return String(Number(v));
  if (typeof v === 'boolean') return v ? '1' : '0';
  return `'${v.replace(/['\\]/g, '\\$&')}'`;
}

/** Insert targets come from the closed list in engine.ts (or a plain identifier chosen by code). */
export function insertTable(table: TableName): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new RangeError(`table name not allowed: ${table}`);
  return table;
}

export function engineError(e: unknown): FupanError {
  const message = e instanceof Error ? e.message : String(e);
  return new FupanError('query_failed', { problem: message.split('\n')[0]?.slice(0, 500) ?? message }, { cause: e });
}
