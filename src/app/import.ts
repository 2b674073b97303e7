import type { Lang } from '../core/lang.js';
import { runImport, type ImportKind, type ImportProgress, type ImportSummary } from '../ingestion/import/index.js';
import { createIngestor } from '../ingestion/pipeline.js';
import type { EventIngestor } from '../ingestion/types.js';
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

/**
 * `fupan import`: checks the project, then streams the file through the same pipeline as
 * the capture API (events, orders, surveys) or into `ad_spend`. Local times in the file
 * are read in the project's time zone; rows without a currency get the project's.
 *
 * @example const summary = await importFile(ctx, { projectId: 'shop', kind: 'orders', file: 'orders.xlsx', lang: 'zh-CN' })
 */
export async function importFile(
  ctx: AppContext,
  input: ImportFileInput,
  options: { onProgress?: (p: ImportProgress) => void; ingestor?: EventIngestor } = {},
): Promise<ImportSummary> {
  const project = await getProject(ctx, input.projectId);
  const ingestor =
    options.ingestor ??
    createIngestor(ctx.engine, { futureToleranceSeconds: ctx.config.futureToleranceSeconds, strict: false });
  return runImport(
    { engine: ctx.engine, ingestor },
    {
      ...input,
      timeZone: input.timeZone ?? project.timeZone,
      currency: project.currency,
      onProgress: options.onProgress,
    },
  );
}
