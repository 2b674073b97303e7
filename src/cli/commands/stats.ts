import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { FupanError } from '../../core/index.js';
import { adjust, analyzeExperiment, power, srm, type ExperimentResult } from '../../stats/index.js';
import { output, withoutStorage } from '../context.js';

/**
 * `fupan stats srm|adjust|power --input <file.json>` and
 * `fupan experiment analyze --input <file.json>`: the statistics engine on summary
 * statistics from a JSON file (`-` reads stdin). The JSON shapes are in docs/stats.md.
 */
export function registerStats(program: Command): void {
  const stats = program.command('stats').description('statistics on summary numbers / 基于汇总数据的统计检验');
  const simple: Array<[string, string, (body: unknown) => unknown, (r: never) => string]> = [
    ['srm', 'sample ratio mismatch check / 样本比例失衡检验', srm, (r: { pValue: number }) => `SRM p-value: ${fmt(r.pValue)}`],
    ['adjust', 'Holm or Benjamini–Hochberg adjusted p-values / 多重检验校正', adjust, (r: { adjusted: number[] }) => r.adjusted.map(fmt).join('\n')],
    ['power', 'power and minimum detectable effect / 功效与最小可检测效应', power, (r: { power: number; mde: number | null }) =>
      `power: ${fmt(r.power)}\nMDE (relative): ${r.mde === null ? 'not reachable' : pct(r.mde)}`],
  ];
  for (const [name, description, compute, human] of simple) {
    stats
      .command(name)
      .description(description)
      .requiredOption('--input <file>', 'JSON input file, or - for stdin')
      .option('--json', 'print JSON')
      .action(async (opts: { input: string }, cmd: Command) =>
        withoutStorage(cmd, async (run) => {
          const result = compute(await readJson(opts.input));
          output(run, result, () => human(result as never));
        }),
      );
  }

  // Another area may own `fupan experiment`; add `analyze` to it rather than a second one.
  const experiment =
    program.commands.find((c) => c.name() === 'experiment') ?? program.command('experiment').description('experiments / 实验');
  experiment
    .command('analyze')
    .description('analyze an A/B test from summary statistics / 由汇总数据分析 A/B 实验')
    .requiredOption('--input <file>', 'JSON input file, or - for stdin')
    .option('--json', 'print JSON')
    .action(async (opts: { input: string }, cmd: Command) =>
      withoutStorage(cmd, async (run) => {
        const result = analyzeExperiment(await readJson(opts.input));
        output(run, result, () => renderExperiment(result));
      }),
    );
}

async function readJson(file: string): Promise<unknown> {
  const text = file === '-' ? await readStdin() : await readFile(file, 'utf8').catch((e: Error) => {
    throw new FupanError('invalid_input', { path: '--input', problem: e.message });
  });
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FupanError('invalid_json', { problem: (e as Error).message });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const fmt = (x: number | null): string => (x === null ? '—' : Math.abs(x) < 1e-4 && x !== 0 ? x.toExponential(2) : x.toFixed(4));
const pct = (x: number | null): string => (x === null ? '∞' : `${(x * 100).toFixed(2)}%`);

function renderExperiment(r: ExperimentResult): string {
  const show = r.difference === 'relative' ? pct : fmt;
  const lines = [`${r.method}, ${r.difference} difference, α = ${r.alpha}, ${r.sided}-sided; control ${r.control.name} (n = ${r.control.n})`];
  for (const a of r.arms) {
    if (a.error) {
      lines.push(`${a.name}: ${a.error.message}`);
      continue;
    }
    const ci = `[${a.ci[0] === null ? '−∞' : show(a.ci[0])}, ${a.ci[1] === null ? '+∞' : show(a.ci[1])}]`;
    const evidence = a.pValue !== null ? `p = ${fmt(a.pValue)}` : `chance to win ${pct(a.chanceToWin)}`;
    lines.push(`${a.name}: ${show(a.lift)} ${ci}, ${evidence}`);
  }
  lines.push(`SRM p-value: ${fmt(r.srm.pValue)}${r.srm.pValue < 0.001 ? '  ⚠ traffic split does not match the weights' : ''}`);
  return lines.join('\n');
}
