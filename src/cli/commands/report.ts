import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import {
  addReportItem,
  deleteReportItem,
  getReport,
  listReportItems,
  listReports,
  publishReport,
  renderReport,
  type ReportFormat,
  updateReportItem,
} from '../../app/reports.js';
import { FupanError } from '../../core/errors/index.js';
import { ITEM_KINDS, type ItemKind } from '../../reports/items.js';
import { output, withStorage } from '../context.js';
import { formatTable } from './sql.js';

const FORMATS: ReportFormat[] = ['md', 'html', 'pdf', 'json'];

/**
 * `fupan report --project <id> --period <2025-W28|2025-07|2025-Q3|a..b> [--lang zh-CN|en] --format md|html|pdf|json [--out <file>]`
 * and its subcommands for the written parts: list, items, add, edit, remove, publish.
 */
export function registerReport(program: Command): void {
  const report = program
    .command('report')
    .description('draft, edit, publish and export the 复盘 report (language: global --lang zh-CN|en) / 起草、编辑、发布和导出复盘报告')
    .option('--project <id>', 'project id')
    .option('--period <period>', '2025-W28 | 2025-07 | 2025-Q3 | 2025-07-01..2025-07-20')
    .option('--format <format>', `one of ${FORMATS.join(', ')}`, 'md')
    .option('--out <file>', 'write to a file (charts of Markdown go beside it); default: stdout')
    .option('--embed-charts', 'Markdown: embed charts as data URIs instead of files beside it')
    .action(async (opts: { project?: string; period?: string; format: string; out?: string; embedCharts?: boolean }, cmd: Command) =>
      withStorage(cmd, async (run) => {
        const { project, period } = required(opts);
        if (!FORMATS.includes(opts.format as ReportFormat)) {
          throw new FupanError('invalid_input', { path: '--format', problem: `expected one of ${FORMATS.join(', ')}` });
        }
        const format = opts.format as ReportFormat;
        if (format === 'pdf' && !opts.out) throw new FupanError('invalid_input', { path: '--out', problem: 'PDF needs --out <file.pdf>' });
        const { report: built } = await getReport(run.ctx, project, period, run.lang);
        const assetDir = opts.out ? `${basename(opts.out, extname(opts.out))}.charts` : undefined;
        const rendered = await renderReport(run.ctx, built, format, { ...(assetDir ? { assetDir } : {}), embedCharts: Boolean(opts.embedCharts) || !opts.out });
        if (!opts.out) {
          process.stdout.write(typeof rendered.body === 'string' ? rendered.body : rendered.body.toString('utf8'));
          return;
        }
        writeFileSync(opts.out, rendered.body);
        if (rendered.assets.length && assetDir) {
          const dir = join(dirname(opts.out), assetDir);
          mkdirSync(dir, { recursive: true });
          for (const a of rendered.assets) writeFileSync(join(dir, `${a.name}.svg`), a.svg);
        }
        process.stderr.write(`${run.lang === 'zh-CN' ? '已写入' : 'Wrote'} ${opts.out}${rendered.assets.length ? ` (+${rendered.assets.length} charts)` : ''}\n`);
      }),
    );

  report
    .command('list')
    .description('list reports by period / 按周期列出报告')
    .option('--project <id>', 'project id (required)')
    .option('--json', 'print JSON')
    .action(async (opts: { project?: string }, cmd: Command) =>
      withStorage(cmd, async (run) => {
        const reports = await listReports(run.ctx, target(opts, cmd).project);
        output(run, reports, () => formatTable(reports.map((r) => ({ period: r.periodLabel, from: r.fromDate, to: r.toDate, status: r.status, publishedAt: r.publishedAt ?? '' }))));
      }),
    );

  report
    .command('items')
    .description('list the written parts of a draft / 列出报告中团队填写的内容')
    .option('--project <id>', 'project id (required)')
    .option('--period <period>', 'report period')
    .option('--json', 'print JSON')
    .action(async (opts: { project?: string; period?: string }, cmd: Command) =>
      withStorage(cmd, async (run) => {
        const { project, period } = required(target(opts, cmd));
        const items = await listReportItems(run.ctx, project, period);
        output(run, items, () => formatTable(items.map((i) => ({ id: i.id, kind: i.kind, data: JSON.stringify(i.data) }))));
      }),
    );

  report
    .command('add <kind>')
    .description(`add a written part (${ITEM_KINDS.join(' | ')}) from JSON / 添加反思、规律、行动或风险`)
    .option('--project <id>', 'project id (required)')
    .option('--period <period>', 'report period')
    .requiredOption('--data <json>', 'the item as JSON, or @file.json; e.g. \'{"problem":"…","reflection":"…","improvement":"…"}\'')
    .option('--json', 'print JSON')
    .action(async (kind: string, opts: { project?: string; period?: string; data: string }, cmd: Command) =>
      withStorage(cmd, async (run) => {
        if (!(ITEM_KINDS as string[]).includes(kind)) throw new FupanError('invalid_input', { path: 'kind', problem: `expected one of ${ITEM_KINDS.join(', ')}` });
        const { project, period } = required(target(opts, cmd));
        const item = await addReportItem(run.ctx, project, period, kind as ItemKind, readJson(opts.data));
        output(run, item, () => `${run.lang === 'zh-CN' ? '已添加' : 'Added'} ${item.kind} ${item.id}`);
      }),
    );

  report
    .command('edit <itemId>')
    .description('change fields of a written part / 修改一条填写内容')
    .option('--project <id>', 'project id (required)')
    .option('--period <period>', 'report period')
    .requiredOption('--data <json>', 'fields to change as JSON, or @file.json')
    .option('--json', 'print JSON')
    .action(async (itemId: string, opts: { project?: string; period?: string; data: string }, cmd: Command) =>
      withStorage(cmd, async (run) => {
        const { project, period } = required(target(opts, cmd));
        const item = await updateReportItem(run.ctx, project, period, itemId, readJson(opts.data));
        output(run, item, () => `${run.lang === 'zh-CN' ? '已更新' : 'Updated'} ${item.id}`);
      }),
    );

  report
    .command('remove <itemId>')
    .description('remove a written part / 删除一条填写内容')
    .option('--project <id>', 'project id (required)')
    .option('--period <period>', 'report period')
    .option('--json', 'print JSON')
    .action(async (itemId: string, opts: { project?: string; period?: string }, cmd: Command) =>
      withStorage(cmd, async (run) => {
        const { project, period } = required(target(opts, cmd));
        await deleteReportItem(run.ctx, project, period, itemId);
        output(run, { removed: itemId }, () => `${run.lang === 'zh-CN' ? '已删除' : 'Removed'} ${itemId}`);
      }),
    );

  report
    .command('publish')
    .description('freeze the report: numbers and written parts become an immutable snapshot / 发布并冻结报告')
    .option('--project <id>', 'project id (required)')
    .option('--period <period>', 'report period')
    .option('--json', 'print JSON')
    .action(async (opts: { project?: string; period?: string }, cmd: Command) =>
      withStorage(cmd, async (run) => {
        const { project, period } = required(target(opts, cmd));
        const { snapshot: _snapshot, ...record } = await publishReport(run.ctx, project, period);
        output(run, record, () => `${run.lang === 'zh-CN' ? '已发布' : 'Published'} ${record.periodLabel} (${record.dataReadAt})`);
      }),
    );
}

/**
 * `--project` / `--period` of a subcommand. `report` itself has both options (for the
 * draft), and commander gives an option to the parent when both define it, so
 * `report list --project x` arrives on the parent: take it from there.
 */
function target(opts: { project?: string; period?: string }, cmd: Command): { project: string; period?: string } {
  const parent = cmd.parent?.opts<{ project?: string; period?: string }>() ?? {};
  const project = opts.project ?? parent.project;
  if (!project) throw new FupanError('invalid_input', { path: '--project', problem: 'required' });
  const period = opts.period ?? parent.period;
  return { project, ...(period ? { period } : {}) };
}

function required(opts: { project?: string; period?: string }): { project: string; period: string } {
  if (!opts.project) throw new FupanError('invalid_input', { path: '--project', problem: 'required' });
  if (!opts.period) throw new FupanError('invalid_input', { path: '--period', problem: 'required (2025-W28, 2025-07, 2025-Q3 or 2025-07-01..2025-07-20)' });
  return { project: opts.project, period: opts.period };
}

function readJson(text: string): unknown {
  try {
    return JSON.parse(text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text);
  } catch (e) {
    throw new FupanError('invalid_json', { problem: (e as Error).message });
  }
}
