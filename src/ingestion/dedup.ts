import { compile, p, sql } from '../sql/index.js';
import type { Engine } from '../storage/engine.js';

/** Most uuids sent in one lookup query (keeps the parameter payload modest). */
const LOOKUP_CHUNK = 20_000;

/**
 * Which of these uuids are already stored for the project: a primary-key lookup on
 * `event_ids` (ORDER BY project_id, uuid; filled by a materialised view on `events`).
 * SDK uuids are v7 (time-ordered), so a batch's uuids fall into the few most recent
 * granules and the lookup reads little. The caller holds the serialised writer, so no
 * insert can slip in between this check and its own insert.
 */
export async function findStoredUuids(engine: Engine, projectId: string, uuids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < uuids.length; i += LOOKUP_CHUNK) {
    const chunk = uuids.slice(i, i + LOOKUP_CHUNK);
    const rows = await engine.query<{ u: string }>(
      compile(sql`SELECT DISTINCT toString(uuid) AS u FROM event_ids WHERE project_id = ${p.string(projectId)} AND uuid IN ${p.uuids(chunk)}`),
    );
    for (const r of rows) found.add(r.u);
  }
  return found;
}
