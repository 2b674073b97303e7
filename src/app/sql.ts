import { FupanError } from '../core/errors/index.js';
import { PROJECT_TABLES } from '../storage/engine.js';
import type { AppContext } from './context.js';
import { getProject } from './projects.js';


/**
 * Runs the user's own read-only SELECT, scoped to one project. The text is the user's
 * (this is the one place raw SQL is accepted, from the CLI, by someone who owns the data
 * directory); scoping does not rely on reading it: the engine adds
 * `project_id = '<id>'` to every read of every project table (`additional_table_filters`),
 * and `readonly = 1`, set last, forbids writes and any later change of settings, so the
 * query cannot lift the filter. The project id matches a strict pattern (no quotes).
 */
export async function runProjectSql(ctx: AppContext, projectId: string, text: string): Promise<Record<string, unknown>[]> {
  const project = await getProject(ctx, projectId);
  const statement = text.trim().replace(/;\s*$/, '');
  if (!/^(SELECT|WITH)\b/i.test(statement)) {
    throw new FupanError('invalid_input', { path: 'sql', problem: 'only a single SELECT (or WITH … SELECT) statement is allowed' });
  }
  if (/;/.test(statement.replace(/'(?:[^'\\]|\\.)*'/g, "''"))) {
    throw new FupanError('invalid_input', { path: 'sql', problem: 'only one statement is allowed' });
  }
  const filter = `project_id = '${project.id}'`;
  const filters = `{${PROJECT_TABLES.map((t) => `'${t}': '${filter.replace(/'/g, "\\'")}'`).join(', ')}}`;
  return ctx.engine.query(
    { sql: statement, params: {} },
    {
      settings: {
        additional_table_filters: filters,
        max_execution_time: 120,
        max_result_rows: 1_000_000,
        result_overflow_mode: 'throw',
        readonly: 1,
      },
    },
  );
}
