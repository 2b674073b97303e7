import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { runQuery } from '../../app/query.js';
import { FupanError } from '../../core/errors/index.js';
import { output, withStorageOrServer } from '../context.js';

/** `fupan query <kind> --project <id> --spec <file.json> --json` */
export function registerQuery(program: Command): void {
  program
    .command('query <kind>')
    .description('run an analysis spec (trends, funnel, retention, paths, lifecycle, channels, …) / 运行分析')
    .requiredOption('--project <id>', 'project id')
    .requiredOption('--spec <file>', 'JSON file with the spec (see docs/analyses.md); "-" reads stdin')
    .option('--json', 'print JSON')
    .action(async (kind: string, opts: { project: string; spec: string }, cmd: Command) =>
      withStorageOrServer(
        cmd,
        async (run) => {
          const result = await runQuery(run.ctx, opts.project, readSpec(kind, opts.spec));
          output(run, result, () => JSON.stringify(result, null, 2));
        },
        async (server, run) => {
          const result = await server.request('POST', `/api/projects/${encodeURIComponent(opts.project)}/query`, readSpec(kind, opts.spec));
          output(run, result, () => JSON.stringify(result, null, 2));
        },
      ),
    );
}

/** Reads a spec file ("-" for stdin) and checks it is an object of the command's kind. */
function readSpec(kind: string, file: string): Record<string, unknown> {
  let spec: Record<string, unknown>;
  try {
    spec = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new FupanError('invalid_json', { problem: `${file}: ${(e as Error).message}` });
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new FupanError('invalid_input', { path: '(root)', problem: 'the spec must be a JSON object' });
  }
  if (spec.kind !== undefined && spec.kind !== kind) {
    throw new FupanError('invalid_input', { path: 'kind', problem: `the spec says ${String(spec.kind)} but the command says ${kind}` });
  }
  return { ...spec, kind };
}
