export * from './engine.js';
export type { MetaStore, MetaQueryable } from './metadata/store.js';
export { migrateClickHouse, CH_MIGRATIONS, type ChMigration } from './clickhouse/migrate.js';
export { migrateMeta, META_MIGRATIONS, type MetaMigration } from './metadata/migrate.js';
export { readLock, type LockInfo } from './lock.js';
