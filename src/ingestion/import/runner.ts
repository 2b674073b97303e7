import { ERRORS, FupanError } from '../../core/errors/index.js';
import { renderMessage } from '../../core/errors/registry.js';
import type { Lang } from '../../core/lang.js';
import type { Engine } from '../../storage/engine.js';
import type { EventIngestor, RawEvent } from '../types.js';
import { detectFormat } from './format.js';
import { KINDS } from './kinds.js';
import { type Mapping, parseMapOption, resolveMapping } from './mapping.js';
import { openReader } from './readers/index.js';
import { RejectWriter } from './rejects.js';
import { insertSpend } from './spend.js';
import { EXPECTED, makePreparer, type Prepared, type SpendRow } from './schemas.js';
import type { ImportFormat, ImportKind, ReadProgress, TableReader } from './types.js';
import { cellText } from './values.js';

export interface ImportOptions {
  projectId: string;
  kind: ImportKind;
  file: string;
  /** `csv` | `ndjson` | `parquet` | `xlsx`; detected from the extension when absent. */
  format?: string | undefined;
  /** `--map` entries: `target=column[,target=column…]`. */
  map?: readonly string[] | undefined;
  /** CSV / NDJSON text encoding (`auto` by default). */
  encoding?: string | undefined;
  /** CSV delimiter (detected by default). */
  delimiter?: string | undefined;
  /** The project's time zone (local times in the file are read in it) and currency. */
  timeZone: string;
  currency: string;
  /** Language of the reject reasons. */
  lang: Lang;
  /** Where rejected rows go; `<file>.rejects.csv` by default. */
  rejectsPath?: string | undefined;
  /** Rows per write (events through the pipeline, ad spend per insert). */
  batchSize?: number | undefined;
  onProgress?: ((p: ImportProgress) => void) | undefined;
}

export interface ImportDeps {
  /** The capture pipeline; events, orders and surveys go through it. */
  ingestor: EventIngestor;
  /** Writes validated ad-spend rows (keys unique within a call); by default `insertSpend` on `engine`. */
  writeSpend?: (projectId: string, rows: SpendRow[]) => Promise<unknown>;
  engine?: Engine;
}

export interface ImportProgress extends ReadProgress {
  rows: number;
  accepted: number;
  rejected: number;
}

export interface ImportSummary {
  file: string;
  kind: ImportKind;
  format: ImportFormat;
  projectId: string;
  /** field → the column it was read from. */
  columns: Record<string, string>;
  /** Columns kept as event properties. */
  propertyColumns: string[];
  /** Columns not used (ad spend only). */
  ignoredColumns: string[];
  /** Data rows read. */
  rows: number;
  /** Rows written now. */
  accepted: number;
  rejected: number;
  /** Rows already stored (same uuid: an earlier import of the same rows) or repeated in the file. */
  duplicates: number;
  /** Orders whose status is neither paid nor refunded (pending, cancelled…): not imported, not errors. */
  skipped: number;
  /** Events whose timestamp was in the future beyond tolerance and was clamped. */
  clamped: number;
  /** The reject file, or null when no row was rejected. */
  rejectsFile: string | null;
  seconds: number;
  rowsPerSecond: number;
}

const DEFAULT_BATCH = 10_000;
/** Distinct spend keys remembered to count repeats across batches (bounded memory). */
const MAX_SPEND_KEYS = 2_000_000;

function reasonFor(code: keyof typeof ERRORS, details: Record<string, unknown>, lang: Lang): string {
  return renderMessage(ERRORS[code], lang, details);
}

/** An error thrown by the file reader mid-stream (as opposed to a write failing). */
class ReadError extends Error {}

async function* guarded<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<T>;
    try {
      next = await it.next();
    } catch (e) {
      throw new ReadError((e as Error)?.message ?? String(e), { cause: e });
    }
    if (next.done) return;
    yield next.value;
  }
}

/**
 * Imports one file into a project. Everything that can make the whole file unusable —
 * format, `--map`, unreadable file, missing columns — is checked before the first write,
 * and then raises a `FupanError` with nothing written. After that rows stream in bounded
 * batches (the next batch is parsed while the previous one is written; memory holds at
 * most two), bad rows go to the reject file, and a summary comes back.
 */
export async function runImport(deps: ImportDeps, o: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const format = detectFormat(o.file, o.format);
  const userMap = parseMapOption(o.map, o.kind);
  const reader: TableReader = await openReader(o.file, format, {
    ...(o.encoding ? { encoding: o.encoding } : {}),
    ...(o.delimiter ? { delimiter: o.delimiter } : {}),
  });
  let mapping: Mapping;
  try {
    mapping = resolveMapping(o.kind, reader.columns, userMap, { file: o.file, inferTypes: format === 'csv' || format === 'xlsx' });
  } catch (e) {
    await reader.close();
    throw e;
  }

  // Past this point the file is known to be usable: writes may begin.
  const rejects = new RejectWriter(o.rejectsPath ?? `${o.file}.rejects.csv`, o.lang);
  const prepare = makePreparer(o.kind, o.projectId, { timeZone: o.timeZone, currency: o.currency });
  const batchSize = Math.max(1, o.batchSize ?? DEFAULT_BATCH);
  const s = { rows: 0, accepted: 0, rejected: 0, duplicates: 0, skipped: 0, clamped: 0 };
  const spendKeys = new Set<string>();
  let lastRow = 0;

  const reject = async (row: number, field: string, value: unknown, code: string, reason: string) => {
    s.rejected++;
    await rejects.write({ row, field, value: cellText(value), code, reason });
  };

  const flushEvents = async (events: RawEvent[], rowNumbers: number[]) => {
    const result = await deps.ingestor.ingest(o.projectId, events, { receivedAt: new Date() });
    s.accepted += result.accepted;
    s.duplicates += result.duplicates;
    s.clamped += result.clamped;
    for (const r of result.rejected) {
      const message = o.lang === 'zh-CN' ? (r.messageZh ?? r.message) : r.message;
      await reject(rowNumbers[r.index] ?? 0, '', '', r.code, message);
    }
  };

  const flushSpend = async (rows: SpendRow[]) => {
    // Later rows for the same day, channel and campaign replace earlier ones — in this
    // batch by keeping the last, across batches and imports by a newer version.
    const byKey = new Map<string, SpendRow>();
    for (const r of rows) {
      const key = `${r.date}\u0000${r.channel}\u0000${r.campaign}`;
      if (byKey.has(key) || spendKeys.has(key)) s.duplicates++;
      byKey.delete(key);
      byKey.set(key, r);
      if (spendKeys.size < MAX_SPEND_KEYS) spendKeys.add(key);
    }
    const out = [...byKey.values()];
    if (deps.writeSpend) await deps.writeSpend(o.projectId, out);
    else if (deps.engine) await insertSpend(deps.engine, o.projectId, out);
    else throw new TypeError('runImport: ad spend needs writeSpend or engine');
    s.accepted += out.length;
  };

  let pending: Promise<void> | undefined;
  let flushError: unknown;
  const startFlush = async (events: RawEvent[], rowNumbers: number[], spend: SpendRow[]) => {
    if (pending) await pending;
    if (flushError) throw flushError;
    pending = (o.kind === 'spend' ? flushSpend(spend) : flushEvents(events, rowNumbers)).catch((e: unknown) => {
      flushError = e;
    });
  };

  let lastTick = 0;
  const tick = (force = false) => {
    if (!o.onProgress) return;
    const now = Date.now();
    if (!force && now - lastTick < 100) return;
    lastTick = now;
    o.onProgress({ ...reader.progress(), rows: s.rows, accepted: s.accepted, rejected: s.rejected });
  };

  try {
    await rejects.clearStale();
    let events: RawEvent[] = [];
    let rowNumbers: number[] = [];
    let spend: SpendRow[] = [];
    try {
      for await (const src of guarded(reader.rows)) {
        s.rows++;
        lastRow = src.row;
        if (src.error) {
          await reject(src.row, '', '', 'import_row_unparseable', reasonFor('import_row_unparseable', { problem: src.error }, o.lang));
        } else {
          const p: Prepared = prepare(mapping.apply(src.values));
          if (!p.ok) {
            const column = mapping.fields[p.field] ?? p.field;
            if (p.expected === 'order_status') {
              await reject(src.row, column, p.value, 'import_order_status_unknown', reasonFor('import_order_status_unknown', { value: cellText(p.value) }, o.lang));
            } else if (p.expected === 'missing') {
              await reject(src.row, column, p.value, 'import_value_missing', reasonFor('import_value_missing', { field: column }, o.lang));
            } else {
              const exp = EXPECTED[p.expected] ?? { 'en-US': p.expected, 'zh-CN': p.expected };
              const details = { field: column, value: cellText(p.value).slice(0, 100), expected: exp['en-US'], expectedZh: exp['zh-CN'] };
              await reject(src.row, column, p.value, 'import_value_invalid', reasonFor('import_value_invalid', details, o.lang));
            }
          } else if ('skip' in p) {
            s.skipped++;
          } else if ('spend' in p) {
            spend.push(p.spend);
          } else {
            events.push(p.event);
            rowNumbers.push(src.row);
          }
        }
        if (events.length >= batchSize || spend.length >= batchSize) {
          await startFlush(events, rowNumbers, spend);
          events = [];
          rowNumbers = [];
          spend = [];
        }
        if ((s.rows & 1023) === 0) tick();
      }
    } catch (e) {
      if (!(e instanceof ReadError)) throw e;
      // The file broke after rows were written: finish what is queued, then say so.
      if (pending) await pending;
      throw new FupanError(
        'import_file_corrupt',
        { file: o.file, row: lastRow + 1, problem: e.message.split('\n')[0] ?? e.message, written: s.accepted },
        { cause: e },
      );
    }
    if (events.length || spend.length) await startFlush(events, rowNumbers, spend);
    if (pending) await pending;
    if (flushError) throw flushError;
    tick(true);
  } finally {
    await reader.close();
    await rejects.close();
  }

  const seconds = (Date.now() - started) / 1000;
  return {
    file: o.file,
    kind: o.kind,
    format,
    projectId: o.projectId,
    columns: mapping.fields,
    propertyColumns: KINDS[o.kind].extras === 'properties' ? mapping.extras : [],
    ignoredColumns: mapping.ignored,
    ...s,
    rejectsFile: rejects.count ? rejects.path : null,
    seconds,
    rowsPerSecond: seconds > 0 ? Math.round(s.rows / seconds) : s.rows,
  };
}
