import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { ChdbEngine } from '../../src/storage/chdb-engine.js';
import { ClickHouseEngine } from '../../src/storage/clickhouse-engine.js';
import { migrateClickHouse } from '../../src/storage/clickhouse/migrate.js';
import type { Engine } from '../../src/storage/engine.js';
import { migrateMeta } from '../../src/storage/metadata/migrate.js';
import { PgliteStore } from '../../src/storage/metadata/pglite-store.js';
import type { MetaStore } from '../../src/storage/metadata/store.js';

export type EngineKind = 'chdb' | 'clickhouse-http';

export interface TestStorage {
  engine: Engine;
  meta: MetaStore;
  dir: string;
  close(): Promise<void>;
}

/**
 * Real storage for a test file: chDB in a fresh temporary directory (or the HTTP engine's
 * code path, plugged into chDB through `chdb/connection`), and an in-memory PGlite, both
 * migrated. One per test file: chDB binds one data directory per process.
 */
export async function openTestStorage(kind: EngineKind = 'chdb'): Promise<TestStorage> {
  const dir = mkdtempSync(join(tmpdir(), 'fupan-test-'));
  const chPath = join(dir, 'clickhouse');
  const engine: Engine =
    kind === 'chdb'
      ? new ChdbEngine(chPath)
      : new ClickHouseEngine({ client: createClient({ connection: createChdbConnection({ path: chPath }) } as never) });
  await migrateClickHouse(engine);
  const meta = await PgliteStore.open();
  await migrateMeta(meta);
  return {
    engine,
    meta,
    dir,
    async close() {
      await engine.close();
      await meta.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
