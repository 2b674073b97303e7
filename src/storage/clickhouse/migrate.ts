import { compile, p, sql } from '../../sql/index.js';
import type { Engine } from '../engine.js';
import { migration as m0001 } from './migrations/0001_core.js';
import { migration as m0002 } from './migrations/0002_first_events.js';
import { migration as m0003 } from './migrations/0003_active_persons.js';
import { migration as m0004 } from './migrations/0004_active_persons_any.js';
import { migration as m0005 } from './migrations/0005_override_numbers.js';
import { migration as m0006 } from './migrations/0006_active_persons_monthly.js';
import { migration as m0007 } from './migrations/0007_override_numbers_join.js';
import { migration as m0008 } from './migrations/0008_event_number_columns.js';
import { migration as m0009 } from './migrations/0009_event_text_columns.js';

/** A versioned ClickHouse migration: statements that are each idempotent (IF NOT EXISTS). */
export interface ChMigration {
  version: number;
  name: string;
  statements: string[];
}

/**
 * Every migration, in order. Areas add theirs as new files (0002_…, 0003_…) and list
 * them here; a version is never edited after it shipped.
 */
export const CH_MIGRATIONS: readonly ChMigration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008, m0009];

/**
 * Applies the migrations not yet recorded in `fupan_migrations`, in order, and records
 * each. Safe to run on every start and from two entry points: statements are idempotent,
 * so a crash between a statement and its record re-runs harmlessly.
 *
 * @returns the versions applied now
 */
export async function migrateClickHouse(engine: Engine, migrations = CH_MIGRATIONS): Promise<number[]> {
  await engine.command(
    compile(sql`CREATE TABLE IF NOT EXISTS fupan_migrations (version UInt32, name String, applied_at DateTime DEFAULT now()) ENGINE = MergeTree ORDER BY version`),
  );
  const done = new Set(
    (await engine.query<{ version: number }>(compile(sql`SELECT DISTINCT version FROM fupan_migrations`))).map((r) => Number(r.version)),
  );
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    for (const statement of m.statements) await engine.command({ sql: statement, params: {} });
    await engine.command(
      compile(sql`INSERT INTO fupan_migrations (version, name) VALUES (${p.uint32(m.version)}, ${p.string(m.name)})`),
    );
    applied.push(m.version);
  }
  return applied;
}
