import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import { Argument, type Command } from 'commander';
import { importFile, importFileWith, type ImportFileInput } from '../../app/import.js';
import type { Project } from '../../app/projects.js';
import { isFupanError } from '../../core/errors/index.js';
import type { Lang } from '../../core/lang.js';
import { IMPORT_KINDS, type ImportKind, type ImportProgress, type ImportSummary } from '../../ingestion/import/index.js';
import type { EventIngestor, IngestResult, RawEvent } from '../../ingestion/types.js';
import { type CliRun, output, reportError, withStorageOrServer } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { ServerClient } from '../remote.js';

interface ImportOpts {
  project: string;
  format?: string;
  map?: string[];
  encoding?: string;
  delimiter?: string;
  timeZone?: string;
  rejects?: string;
  batchSize?: string;
  progress?: boolean;
}

/** Fatal input errors (nothing written, or the file broke mid-way): exit 2. */
const INPUT_ERRORS = new Set(['import_file_unreadable', 'import_format_unsupported', 'import_columns_missing', 'import_map_invalid', 'import_file_corrupt']);

/** `fupan import events|spend|orders|surveys <file> --project <id>` — see docs/import.md */
export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import events, ad spend, orders or survey responses from CSV, NDJSON, Parquet or XLSX / 从文件导入事件、广告花费、订单或问卷')
    .addArgument(new Argument('<kind>', 'what the file holds').choices(IMPORT_KINDS))
    .argument('<file>', 'the file (.csv, .tsv, .ndjson, .jsonl, .parquet, .xlsx)')
    .requiredOption('--project <id>', 'project id')
    .option('--format <format>', 'csv, ndjson, parquet or xlsx (default: from the extension)')
    .option('--map <target=column,...>', 'read a field from a differently named column, e.g. --map event=事件,distinct_id=用户ID (repeatable)', collect, [])
    .option('--encoding <encoding>', 'text encoding of CSV / NDJSON: auto, utf-8, gb18030, utf-16le', 'auto')
    .option('--delimiter <char>', 'CSV delimiter (default: detected from the header)')
    .option('--time-zone <tz>', "time zone of timestamps without an offset (default: the project's)")
    .option('--rejects <path>', 'where to write rejected rows (default: <file>.rejects.csv)')
    .option('--batch-size <n>', 'rows per write', '10000')
    .option('--progress', 'show a progress bar even when stderr is not a terminal')
    .option('--no-progress', 'never show a progress bar')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 all rows imported · 6 some rows rejected (see the reject file) · 2 the file cannot be imported (nothing written) · 3 unknown project\nDocs: docs/import.md',
    )
    .action(async (kind: ImportKind, file: string, opts: ImportOpts, cmd: Command) => {
      const input = (lang: Lang): ImportFileInput => ({
        projectId: opts.project,
        kind,
        file,
        format: opts.format,
        map: opts.map,
        encoding: opts.encoding,
        delimiter: opts.delimiter === '\\t' || opts.delimiter === 'tab' ? '\t' : opts.delimiter,
        timeZone: opts.timeZone,
        rejectsPath: opts.rejects,
        batchSize: opts.batchSize ? Number(opts.batchSize) || undefined : undefined,
        lang,
      });
      const showBar = opts.progress === true || (opts.progress !== false && Boolean(process.stderr.isTTY));
      await withStorageOrServer(
        cmd,
        (run: CliRun) => runWithSummary(run, showBar, (onProgress) => importFile(run.ctx, input(run.lang), onProgress ? { onProgress } : {})),
        async (server, run) => {
          // `fupan serve` owns the data directory: read and validate here, write through it.
          const project = await server.request<Project>('GET', `/api/projects/${encodeURIComponent(opts.project)}`);
          const deps = {
            ingestor: remoteIngestor(server),
            writeSpend: (projectId: string, rows: unknown[]) =>
              server.request('POST', `/api/projects/${encodeURIComponent(projectId)}/import/spend`, { rows }),
          };
          return runWithSummary(run, showBar, (onProgress) => importFileWith(deps, project, input(run.lang), onProgress ? { onProgress } : {}));
        },
      );
    });
}

/** Runs an import with the progress bar, prints the summary, and answers the exit code. */
async function runWithSummary(
  run: { lang: Lang; json: boolean },
  showBar: boolean,
  body: (onProgress: ((p: ImportProgress) => void) | undefined) => Promise<ImportSummary>,
): Promise<number> {
  const bar = showBar ? progressBar(run.lang) : undefined;
  let summary: ImportSummary;
  try {
    summary = await body(bar?.update);
  } catch (e) {
    bar?.stop();
    if (isFupanError(e) && INPUT_ERRORS.has(e.code)) {
      reportError(e, run.lang, run.json);
      return EXIT.usage;
    }
    throw e;
  }
  bar?.stop();
  output(run, summary, () => humanSummary(summary, run.lang));
  return summary.rejected > 0 ? EXIT.partial : EXIT.ok;
}

/** Largest request body the remote ingestor sends (the server's default limit is 20 MiB). */
const MAX_REMOTE_BYTES = 8 * 1024 * 1024;

/** The pipeline of a running server, fed in requests below its body limit. */
function remoteIngestor(server: ServerClient): EventIngestor {
  const send = async (projectId: string, events: readonly RawEvent[], offset: number): Promise<IngestResult> => {
    const bytes = Buffer.byteLength(JSON.stringify(events));
    if (bytes > MAX_REMOTE_BYTES && events.length > 1) {
      const mid = Math.ceil(events.length / 2);
      const a = await send(projectId, events.slice(0, mid), offset);
      const b = await send(projectId, events.slice(mid), offset + mid);
      return {
        accepted: a.accepted + b.accepted,
        duplicates: a.duplicates + b.duplicates,
        clamped: a.clamped + b.clamped,
        rejected: [...a.rejected, ...b.rejected],
      };
    }
    const r = await server.request<IngestResult>('POST', `/api/projects/${encodeURIComponent(projectId)}/import/events`, { events });
    return { ...r, rejected: r.rejected.map((x) => ({ ...x, index: x.index + offset })) };
  };
  return { ingest: (projectId, events) => send(projectId, events, 0) };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function progressBar(lang: Lang): { update: (p: ImportProgress) => void; stop: () => void } {
  const zh = lang === 'zh-CN';
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: zh
        ? '{bar} {percentage}% | {rows} 行 | 成功 {accepted} | 拒绝 {rejected} | {speed} 行/秒 | 剩余 {eta_formatted}'
        : '{bar} {percentage}% | {rows} rows | {accepted} ok | {rejected} rejected | {speed} rows/s | ETA {eta_formatted}',
      hideCursor: true,
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 2000,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let startedBar = false;
  return {
    update(p) {
      const payload = {
        rows: p.rows.toLocaleString('en-US'),
        accepted: p.accepted.toLocaleString('en-US'),
        rejected: p.rejected.toLocaleString('en-US'),
        speed: Math.round(p.rows / Math.max(0.001, (Date.now() - started) / 1000)).toLocaleString('en-US'),
      };
      if (!startedBar) {
        bar.start(Math.max(1, p.total), p.done, payload);
        startedBar = true;
      } else bar.update(p.done, payload);
    },
    stop() {
      if (startedBar) bar.stop();
    },
  };
}

function n(x: number): string {
  return x.toLocaleString('en-US');
}

/** The summary for terminals, in the user's language. */
export function humanSummary(s: ImportSummary, lang: Lang): string {
  const zh = lang === 'zh-CN';
  const name = basename(s.file);
  const cols = Object.entries(s.columns)
    .map(([field, col]) => (field === col ? field : `${field} ← ${col}`))
    .join(', ');
  const lines = zh
    ? [
        `已从 ${name}（${s.format}）读取 ${n(s.rows)} 行，导入项目 ${s.projectId}，用时 ${s.seconds.toFixed(1)} 秒（${n(s.rowsPerSecond)} 行/秒）`,
        `  成功 ${n(s.accepted)} · 拒绝 ${n(s.rejected)} · 重复 ${n(s.duplicates)}${s.skipped ? ` · 跳过（未支付/已取消）${n(s.skipped)}` : ''}${s.clamped ? ` · 时间被修正 ${n(s.clamped)}` : ''}`,
        `  列对应：${cols}`,
      ]
    : [
        `Read ${n(s.rows)} rows from ${name} (${s.format}) into project ${s.projectId} in ${s.seconds.toFixed(1)} s (${n(s.rowsPerSecond)} rows/s)`,
        `  accepted ${n(s.accepted)} · rejected ${n(s.rejected)} · duplicates ${n(s.duplicates)}${s.skipped ? ` · skipped (unpaid/cancelled) ${n(s.skipped)}` : ''}${s.clamped ? ` · future timestamps clamped ${n(s.clamped)}` : ''}`,
        `  columns: ${cols}`,
      ];
  if (s.propertyColumns.length) lines.push(zh ? `  作为属性保存：${s.propertyColumns.join(', ')}` : `  kept as properties: ${s.propertyColumns.join(', ')}`);
  if (s.ignoredColumns.length) lines.push(zh ? `  未使用的列：${s.ignoredColumns.join(', ')}` : `  columns not used: ${s.ignoredColumns.join(', ')}`);
  if (s.rejectsFile) lines.push(zh ? `  被拒绝的行及原因见：${s.rejectsFile}` : `  rejected rows and reasons: ${s.rejectsFile}`);
  return lines.join('\n');
}
