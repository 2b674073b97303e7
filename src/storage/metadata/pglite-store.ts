import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { MetaQueryable, MetaStore } from './store.js';

/** PostgreSQL embedded in the process (WASM), persisted in a directory. */
export class PgliteStore implements MetaStore {
  readonly kind = 'pglite' as const;

  private constructor(private db: PGlite) {}

  /** Opens (or creates) the store; `path` undefined means in-memory (tests). */
  static async open(path?: string): Promise<PgliteStore> {
    if (path) mkdirSync(path, { recursive: true });
    const db = path ? new PGlite(path) : new PGlite();
    await db.waitReady;
    return new PgliteStore(db);
  }

  async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    const r = await this.db.query<T>(text, [...params]);
    return r.rows;
  }

  async exec(text: string): Promise<void> {
    await this.db.exec(text);
  }

  async transaction<T>(fn: (tx: MetaQueryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      fn({
        query: async <R>(text: string, params: readonly unknown[] = []) => (await tx.query<R>(text, [...params])).rows,
      }),
    );
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
