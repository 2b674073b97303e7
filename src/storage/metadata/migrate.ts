import type { MetaStore } from './store.js';
import { migration as m0001 } from './migrations/0001_core.js';
import { migration as m0100 } from './migrations/0100_auth.js';
import { migration as m0200 } from './migrations/0200_metrics_goals.js';
import { migration as m0210 } from './migrations/0210_reports.js';
import { migration as m0300 } from './migrations/0300_experiments.js';
import { migration as m0400 } from './migrations/0400_dashboards.js';

/** A metadata migration: PostgreSQL statements applied once, inside a transaction. */
export interface MetaMigration {
  /** Sortable id; areas use their own ranges (0001–0099 core, 0100 auth, 0200 dictionary/goals/reports, 0300 experiments, 0400 dashboards). */
  id: string;
  sql: string;
}

export const META_MIGRATIONS: MetaMigration[] = [m0001, m0100, m0200, m0210, m0300, m0400];

/**
 * Applies the migrations not yet in `schema_migrations`, each in its own transaction
 * with its record, so a crash never leaves a half-applied migration.
 */
export async function migrateMeta(store: MetaStore, migrations: readonly MetaMigration[] = META_MIGRATIONS): Promise<string[]> {
  await store.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const done = new Set((await store.query<{ id: string }>(`SELECT id FROM schema_migrations`)).map((r) => r.id));
  const applied: string[] = [];
  for (const m of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
    if (done.has(m.id)) continue;
    await store.transaction(async (tx) => {
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query(`INSERT INTO schema_migrations (id) VALUES ($1)`, [m.id]);
    });
    applied.push(m.id);
  }
  return applied;
}

/** Splits a migration on top-level semicolons (our migrations hold no function bodies). */
function splitStatements(text: string): string[] {
  return text
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}
