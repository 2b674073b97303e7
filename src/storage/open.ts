import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { ChdbEngine } from './chdb-engine.js';
import { ClickHouseEngine } from './clickhouse-engine.js';
import { migrateClickHouse } from './clickhouse/migrate.js';
import type { Engine } from './engine.js';
import { acquireDataDirLock, type DataDirLock } from './lock.js';
import { migrateMeta } from './metadata/migrate.js';
import { PgliteStore } from './metadata/pglite-store.js';
import { PostgresStore } from './metadata/postgres-store.js';
import type { MetaStore } from './metadata/store.js';

export interface Storage {
  engine: Engine;
  meta: MetaStore;
  /** Held when anything embedded lives in the data directory. */
  lock?: DataDirLock;
  close(): Promise<void>;
}

/**
 * Opens the event engine and the metadata store the configuration names, takes the data
 * directory when an embedded part uses it, and applies pending migrations. Only entry
 * points (CLI, server main, tests, bench) call this.
 */
export async function openStorage(config: Pick<Config, 'dataDir' | 'clickhouseUrl' | 'databaseUrl'>): Promise<Storage> {
  const embedded = !config.clickhouseUrl || !config.databaseUrl;
  const lock = embedded ? acquireDataDirLock(config.dataDir) : undefined;
  let engine: Engine | undefined;
  let meta: MetaStore | undefined;
  try {
    engine = config.clickhouseUrl ? new ClickHouseEngine({ url: config.clickhouseUrl }) : new ChdbEngine(join(config.dataDir, 'clickhouse'));
    meta = config.databaseUrl ? new PostgresStore(config.databaseUrl) : await PgliteStore.open(join(config.dataDir, 'postgres'));
    await migrateClickHouse(engine);
    await migrateMeta(meta);
  } catch (e) {
    await engine?.close().catch(() => undefined);
    await meta?.close().catch(() => undefined);
    lock?.release();
    throw e;
  }
  const e = engine;
  const m = meta;
  return {
    engine: e,
    meta: m,
    ...(lock ? { lock } : {}),
    async close() {
      await e.close();
      await m.close();
      lock?.release();
    },
  };
}
