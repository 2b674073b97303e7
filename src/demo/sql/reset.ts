import { type CompiledQuery, compile, p, sql } from '../../sql/index.js';

/** The tables that hold a project's event-side rows, in the order they are cleared. */
export const PROJECT_TABLES = ['events', 'event_ids', 'person_distinct_ids', 'person_overrides', 'persons', 'ad_spend', 'person_first_events', 'person_numbers', 'person_override_numbers', 'active_persons_hourly', 'active_persons_any_hourly', 'active_persons_any_daily', 'active_persons_any_monthly'] as const;

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
