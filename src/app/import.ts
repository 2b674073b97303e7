import type { Lang } from '../core/lang.js';
import {
  type ImportDeps,
  type ImportKind,
  type ImportProgress,
  type ImportSummary,
  insertSpend,
  runImport,
  type SpendRow,
} from '../ingestion/import/index.js';
import { createIngestor } from '../ingestion/pipeline.js';
import type { EventIngestor, IngestResult, RawEvent } from '../ingestion/types.js';
import type { AppContext } from './context.js';
import { getProject } from './projects.js';

export interface ImportFileInput {
  projectId: string;
  kind: ImportKind;
  file: string;
  format?: string | undefined;
  map?: readonly string[] | undefined;
  encoding?: string | undefined;
  delimiter?: string | undefined;
  /** Time zone of timestamps without an offset; the project's by default. */
  timeZone?: string | undefined;
  rejectsPath?: string | undefined;
  batchSize?: number | undefined;
  lang: Lang;
}

export interface ImportRunOptions {
  onProgress?: (p: ImportProgress) => void;
  ingestor?: EventIngestor;
}

function pipelineFor(ctx: AppContext): EventIngestor {
  return createIngestor(ctx.engine, { futureToleranceSeconds: ctx.config.futureToleranceSeconds, strict: false });
}

/**
 * Imports a file with the given writers: local ones (`importFile`) or a running server's
 * (the CLI when `fupan serve` owns the data directory). Reading, mapping, validation and
 * the reject file always happen where the file is. Local times in the file are read in the
 * project's time zone; rows without a currency get the project's.
 */
export function importFileWith(
  deps: ImportDeps,
  project: { timeZone: string; currency: string },
  input: ImportFileInput,
  options: Pick<ImportRunOptions, 'onProgress'> = {},
): Promise<ImportSummary> {
  return runImport(deps, {
    ...input,
    timeZone: input.timeZone ?? project.timeZone,
    currency: project.currency,
    onProgress: options.onProgress,
  });
}

/**
 * `fupan import`: checks the project, then streams the file through the same pipeline as
 * the capture API (events, orders, surveys) or into `ad_spend`.
 *
 * @example const summary = await importFile(ctx, { projectId: 'shop', kind: 'orders', file: 'orders.xlsx', lang: 'zh-CN' })
 */
export async function importFile(ctx: AppContext, input: ImportFileInput, options: ImportRunOptions = {}): Promise<ImportSummary> {
  const project = await getProject(ctx, input.projectId);
  const ingestor = options.ingestor ?? pipelineFor(ctx);
  return importFileWith({ engine: ctx.engine, ingestor }, project, input, options);
}

/** Server side of a remote import: one prepared batch of events through the pipeline. */
export async function writeImportedEvents(ctx: AppContext, projectId: string, events: readonly RawEvent[]): Promise<IngestResult> {
  await getProject(ctx, projectId);
  return pipelineFor(ctx).ingest(projectId, events, { receivedAt: new Date() });
}

/** Server side of a remote import: one batch of validated ad-spend rows. */
export async function writeImportedSpend(ctx: AppContext, projectId: string, rows: readonly SpendRow[]): Promise<number> {
  await getProject(ctx, projectId);
  return insertSpend(ctx.engine, projectId, rows);
}
