import type { Engine } from '../../storage/engine.js';
import type { SpendRow } from './schemas.js';

let lastVersion = 0;

/**
 * Inserts validated ad-spend rows. `ad_spend` is a ReplacingMergeTree on (project, date,
 * channel, campaign) versioned by `inserted_at`; each call stamps a time strictly later than
 * the previous one in this process, so a later batch — or a later import — replaces the same
 * key even within one millisecond. Callers de-duplicate keys within a call.
 */
export async function insertSpend(engine: Engine, projectId: string, rows: readonly SpendRow[]): Promise<number> {
  if (!rows.length) return 0;
  lastVersion = Math.max(Date.now(), lastVersion + 1);
  const insertedAt = new Date(lastVersion).toISOString().replace('T', ' ').replace('Z', '');
  await engine.insert(
    'ad_spend',
    rows.map((r) => ({ project_id: projectId, ...r, inserted_at: insertedAt })),
  );
  return rows.length;
}
