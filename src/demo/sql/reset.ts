import { type CompiledQuery, compile, p, sql } from '../../sql/index.js';
import { PROJECT_TABLES } from '../../storage/engine.js';

/**
 * Statements that delete one project's rows from every event-side table (lightweight
 * deletes: rows vanish from queries at once, parts are cleaned by merges), so re-running
 * the demo replaces its data instead of doubling it.
 */
export function deleteProjectRows(projectId: string): CompiledQuery[] {
  return PROJECT_TABLES.map((table) =>
    compile(sql`DELETE FROM ${sql.trusted(table)} WHERE project_id = ${p.string(projectId)}`),
  );
}
