import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ExperimentResults } from '../../analyses/experiment/index.js';
import { createExperiment, experimentResults, listExperiments, type StoredExperiment } from '../../app/experiments.js';
import { FupanError } from '../../core/errors/index.js';
import type { Lang } from '../../core/lang.js';
import { output, withStorageOrServer } from '../context.js';

/**
 * `fupan experiment create|list|results`: experiment definitions in the metadata store and
 * their results from events (docs/experiments.md). `fupan experiment analyze` (summary
 * statistics, src/cli/commands/stats.ts) attaches to the same `experiment` command, which
 * is why this is registered first in program.ts; either order works.
 */
export function registerExperiment(program: Command): void {
  const experiment =
    program.commands.find((c) => c.name() === 'experiment') ?? program.command('experiment').description('experiments / 实验');
  const path = (project: string, rest = '') => `/api/projects/${encodeURIComponent(project)}/experiments${rest}`;

  experiment
    .command('create')
    .description('create an experiment from a JSON definition / 由 JSON 定义创建实验')
    .requiredOption('--project <id>', 'project id')
    .requiredOption('--input <file>', 'JSON file with the definition (docs/experiments.md); "-" reads stdin')
    .option('--json', 'print JSON')
    .action(async (opts: { project: string; input: string }, cmd: Command) =>
      withStorageOrServer(
        cmd,
        async (run) => show(run, await createExperiment(run.ctx, opts.project, null, readJson(opts.input))),
        async (server, run) => show(run, await server.request<StoredExperiment>('POST', path(opts.project), readJson(opts.input))),
      ),
    );

  experiment
    .command('list')
    .description('list the experiments of a project / 列出项目的实验')
    .requiredOption('--project <id>', 'project id')
    .option('--status <status>', 'draft, running, stopped, shipped or archived')
    .option('--json', 'print JSON')
    .action(async (opts: { project: string; status?: string }, cmd: Command) =>
      withStorageOrServer(
        cmd,
        async (run) => showList(run, await listExperiments(run.ctx, opts.project, opts.status)),
        async (server, run) => {
          const q = opts.status ? `?status=${encodeURIComponent(opts.status)}` : '';
          showList(run, (await server.request<{ experiments: StoredExperiment[] }>('GET', path(opts.project) + q)).experiments);
        },
      ),
    );

  experiment
    .command('results <key>')
    .description('analyse an experiment from events: lift, interval, SRM, decision / 基于事件分析实验')
    .requiredOption('--project <id>', 'project id')
    .option('--json', 'print JSON')
    .action(async (key: string, opts: { project: string }, cmd: Command) =>
      withStorageOrServer(
        cmd,
        async (run) => {
          const r = await experimentResults(run.ctx, opts.project, key);
          output(run, r, () => renderResults(r, run.lang));
        },
        async (server, run) => {
          const r = await server.request<ExperimentResults>('GET', path(opts.project, `/${encodeURIComponent(key)}/results`));
          output(run, r, () => renderResults(r, run.lang));
        },
      ),
    );
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new FupanError('invalid_input', { path: '--input', problem: (e as Error).message });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FupanError('invalid_json', { problem: `${file}: ${(e as Error).message}` });
  }
}

function show(run: { json: boolean }, e: StoredExperiment): void {
  output(run, e, () => `${e.definition.key}  ${e.definition.status}  ${e.definition.start} … ${e.definition.end ?? '—'}  ${e.definition.name ?? ''}`);
}

function showList(run: { json: boolean }, list: StoredExperiment[]): void {
  output(run, { experiments: list }, () =>
    list.length ? list.map((e) => `${e.definition.key}  ${e.definition.status}  ${e.definition.start} … ${e.definition.end ?? '—'}  ${e.definition.name ?? ''}`).join('\n') : '(none)',
  );
}

const num = (x: number | null, relative: boolean) => (x === null ? '—' : relative ? `${(x * 100).toFixed(2)}%` : Number(x.toPrecision(4)).toString());

/** A readable summary: exposures, SRM, one line per metric and variant, the decision. */
export function renderResults(r: ExperimentResults, lang: Lang): string {
  const zh = lang === 'zh-CN';
  const rel = r.difference === 'relative';
  const lines = [
    `${r.name} (${r.key}) · ${r.method} · α = ${r.alpha} · ${r.window.start} … ${r.window.end ?? (zh ? '进行中' : 'running')}`,
    (zh ? '曝光：' : 'exposed: ') + r.exposures.variants.map((v) => `${v.key} ${v.persons}`).join(', ') +
      (r.exposures.multipleVariants ? (zh ? `；多版本 ${r.exposures.multipleVariants} 人已排除` : `; ${r.exposures.multipleVariants} in several variants excluded`) : ''),
    `SRM p = ${r.srm.pValue === null ? '—' : r.srm.pValue.toPrecision(3)}${r.srm.warning ? (zh ? '  ⚠ 分流比例异常' : '  ⚠ sample ratio mismatch') : ''}`,
  ];
  if (r.progress.share !== null) lines.push(`${zh ? '进度' : 'progress'}: ${r.progress.persons} / ${r.progress.planned?.total} (${(r.progress.share * 100).toFixed(0)}%)`);
  for (const m of r.metrics) {
    if (m.error) {
      lines.push(`[${m.role}] ${m.name}: ${m.error.message}`);
      continue;
    }
    for (const v of m.variants) {
      const ci = v.adjusted?.ci ?? v.ci;
      const evidence = v.pValue !== null ? `p = ${(v.adjusted?.pValue ?? v.pValue).toPrecision(3)}${v.adjusted ? ` (${v.adjusted.method})` : ''}` : `${zh ? '胜率' : 'chance to win'} ${num(v.chanceToWin, true)}`;
      lines.push(`[${m.role}] ${m.name} · ${v.variant}: ${num(v.lift, rel)} [${num(ci[0], rel)}, ${num(ci[1], rel)}] ${evidence}  (${m.control.variant} ${num(m.control.value, false)} → ${num(v.value, false)})`);
    }
  }
  lines.push(`${zh ? '结论' : 'decision'}: ${r.decision.decision} (${r.decision.rule}) — ${r.decision.reason[lang]}`);
  return lines.join('\n');
}
