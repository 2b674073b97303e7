import { compile, p, sql } from '../sql/index.js';
import type { Engine } from '../storage/engine.js';

/** Most uuids sent in one lookup query (keeps the parameter payload modest). */
const LOOKUP_CHUNK = 20_000;

/**
 * Which of these uuids are already stored for the project: a primary-key lookup on
 * `event_ids` (ORDER BY project_id, uuid; filled by a materialised view on `events`).
 * SDK uuids are v7 (time-ordered), so a batch's uuids fall into the few most recent
 * granules and the lookup reads little. The uuids travel as one JSON string parameter:
 * a large Array parameter becomes thousands of AST literals, which costs more to analyse
 * than the lookup itself. The caller holds the serialised writer, so no
 * insert can slip in between this check and its own insert.
 */
export async function findStoredUuids(engine: Engine, projectId: string, uuids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < uuids.length; i += LOOKUP_CHUNK) {
    const chunk = uuids.slice(i, i + LOOKUP_CHUNK);
    const rows = await engine.query<{ u: string }>(
      compile(
        sql`SELECT DISTINCT toString(uuid) AS u FROM event_ids
          WHERE project_id = ${p.string(projectId)} AND uuid IN (SELECT arrayJoin(JSONExtract(${p.string(JSON.stringify(chunk))}, 'Array(UUID)')))`,
      ),
    );
    for (const r of rows) found.add(r.u);
  }
  return found;
}

/**
 * Settles most dedup checks in memory, without the lookup, when one process owns the
 * event store (embedded chDB behind the data-directory lock; the writer is the only way
 * events are written there):
 *
 * - `watermark` is the greatest stored uuid (string order) when this state was made;
 *   every uuid stored before is ≤ it;
 * - `recent` holds every uuid greater than the watermark written since.
 *
 * So a uuid above the watermark is stored if and only if it is in `recent`, and only uuids
 * at or below it need the table. SDK uuids are v7 (time first), so fresh events land above
 * the watermark and retries of old batches below it. When `recent` grows past its cap, the
 * watermark moves up to its greatest member and `recent` starts empty — still exact.
 * The client clock does not matter: nothing is assumed about when a uuid was made.
 */
export class SeenSince {
  private recent = new Set<string>();

  constructor(
    private watermark: string,
    private readonly cap = 500_000,
  ) {}

  /** True when memory alone decides whether the uuid is stored. */
  settles(uuid: string): boolean {
    return uuid > this.watermark;
  }

  has(uuid: string): boolean {
    return uuid > this.watermark && this.recent.has(uuid);
  }

  /** Records a uuid that is now stored. */
  add(uuid: string): void {
    if (uuid <= this.watermark) return;
    this.recent.add(uuid);
    if (this.recent.size > this.cap) {
      let max = this.watermark;
      for (const u of this.recent) if (u > max) max = u;
      this.watermark = max;
      this.recent = new Set();
    }
  }
}

export async function loadWatermark(engine: Engine, projectId: string, cap?: number): Promise<SeenSince> {
  const [row] = await engine.query<{ m: string }>(
    compile(sql`SELECT max(toString(uuid)) AS m FROM event_ids WHERE project_id = ${p.string(projectId)}`),
  );
  return new SeenSince(row?.m ?? '', cap);
}
