import type { Command } from 'commander';
import { runProjectSql } from '../../app/sql.js';
import { output, withStorageOrServer } from '../context.js';

/** `fupan sql --project <id> "<SELECT …>" --json` */
export function registerSql(program: Command): void {
  program
    .command('sql <query>')
    .description('run a read-only SELECT scoped to one project / 在单个项目范围内执行只读 SELECT')
    .requiredOption('--project <id>', 'project id')
    .option('--json', 'print JSON rows')
    .action(async (query: string, opts: { project: string }, cmd: Command) =>
      withStorageOrServer(
        cmd,
        async (run) => {
          const rows = await runProjectSql(run.ctx, opts.project, query);
          output(run, rows, () => formatTable(rows));
        },
        async (server, run) => {
          const { rows } = await server.request<{ rows: Record<string, unknown>[] }>('POST', `/api/projects/${encodeURIComponent(opts.project)}/sql`, { sql: query });
          output(run, rows, () => formatTable(rows));
        },
      ),
    );
}

/** A plain tab-separated table with a header, for terminals. */
export function formatTable(rows: Record<string, unknown>[]): string {
  if (!rows.length) return '(0 rows)';
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  return [cols.join('\t'), ...rows.map((r) => cols.map((c) => cell(r[c])).join('\t'))].join('\n');
}
