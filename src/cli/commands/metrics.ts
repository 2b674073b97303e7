import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { applyDictionary, exportDictionary } from '../../app/metrics.js';
import { describeMetric } from '../../analyses/metrics/describe.js';
import { loadDictionary } from '../../analyses/metrics/store.js';
import { FupanError } from '../../core/errors/index.js';
import { output, withStorage } from '../context.js';

/** `fupan metrics list|show|export|apply` — the metric dictionary (数据字典). */
export function registerMetrics(program: Command): void {
  const metrics = program.command('metrics').description('the metric dictionary / 数据字典');

  metrics
    .command('list')
    .description('list the metrics of a project / 列出指标')
    .requiredOption('--project <id>', 'project id')
    .option('--json', 'print JSON')
    .action(async (opts: { project: string }, cmd: Command) =>
      withStorage(cmd, async (run) => {
        const dict = await loadDictionary(run.ctx.meta, opts.project);
        const rows = [...dict.values()].map((e) => ({ key: e.metric.key, name: e.metric.name, unit: e.metric.unit, direction: e.metric.direction, source: e.source }));
        output(run, rows, () => rows.map((r) => `${r.key}\t${r.name[run.lang]}\t${r.unit}\t${r.direction}\t${r.source}`).join('\n'));
      }),
    );

  metrics
    .command('show <key>')
    .description('show one metric with its definition / 查看指标定义')
    .requiredOption('--project <id>', 'project id')
    .option('--json', 'print JSON')
    .action(async (key: string, opts: { project: string }, cmd: Command) =>
      withStorage(cmd, async (run) => {
        const e = (await loadDictionary(run.ctx.meta, opts.project)).get(key);
        if (!e) throw new FupanError('not_found', { what: 'metric', id: key });
        const data = { ...e.metric, source: e.source, formula: describeMetric(e.metric) };
        output(run, data, () =>
          [`${e.metric.key} — ${e.metric.name[run.lang]} (${e.source})`, e.metric.description[run.lang], `= ${data.formula[run.lang]}`, `unit ${e.metric.unit} · ${e.metric.direction} · ${e.metric.countingUnit}`]
            .filter(Boolean)
            .join('\n'),
        );
      }),
    );

  metrics
    .command('export')
    .description('write the whole dictionary as one YAML file / 导出数据字典 YAML')
    .requiredOption('--project <id>', 'project id')
    .option('--out <file>', 'file to write (default: stdout)')
    .action(async (opts: { project: string; out?: string }, cmd: Command) =>
      withStorage(cmd, async (run) => {
        const text = await exportDictionary(run.ctx, opts.project);
        if (opts.out) writeFileSync(opts.out, text);
        else process.stdout.write(text);
      }),
    );

  metrics
    .command('apply <file>')
    .description('validate a dictionary YAML file, then upsert it in one transaction / 校验并导入数据字典')
    .requiredOption('--project <id>', 'project id')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { project: string }, cmd: Command) =>
      withStorage(cmd, async (run) => {
        let text: string;
        try {
          text = readFileSync(file === '-' ? 0 : file, 'utf8');
        } catch (e) {
          throw new FupanError('invalid_input', { path: 'file', problem: (e as Error).message });
        }
        const r = await applyDictionary(run.ctx, opts.project, text);
        output(run, r, () =>
          run.lang === 'zh-CN' ? `已写入 ${r.upserted.length} 个指标，${r.unchanged.length} 个与内置相同` : `Wrote ${r.upserted.length} metrics; ${r.unchanged.length} equal the built-ins`,
        );
      }),
    );
}
