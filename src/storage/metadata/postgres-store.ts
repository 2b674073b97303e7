import pg from 'pg';
import type { MetaQueryable, MetaStore } from './store.js';

/** A PostgreSQL server by URL, for teams that outgrow the embedded store. */
export class PostgresStore implements MetaStore {
  readonly kind = 'postgres' as const;
  private pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 8 });
  }

  async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    const r = await this.pool.query(text, [...params]);
    return r.rows as T[];
  }

  async exec(text: string): Promise<void> {
    await this.pool.query(text);
  }

  async transaction<T>(fn: (tx: MetaQueryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn({
        query: async <R>(text: string, params: readonly unknown[] = []) => (await client.query(text, [...params])).rows as R[],
      });
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
