import { type CountedSpan, countedSpan, likeForLike, parsePeriod, type Period, previousPeriod, samePeriodLastYear } from '../analyses/shared/period.js';
import { addDays, daysBetween, localDate } from '../analyses/shared/time-zone.js';
import { FupanError } from '../core/errors/index.js';
import type { Lang } from '../core/lang.js';
import { type BuildContext, type ReportSettings } from '../reports/build/context.js';
import { channelStage } from '../reports/build/channels.js';
import { experimentsStage } from '../reports/build/experiments.js';
import { findingsStage } from '../reports/build/findings.js';
import { goalsStage } from '../reports/build/goals.js';
import { gatherReportData, type Stage } from '../reports/build/gather.js';
import { retentionStage } from '../reports/build/retention.js';
import { trendsStage } from '../reports/build/trends.js';
import { composeReport } from '../reports/compose.js';
import type { ReportData } from '../reports/data.js';
import type { ItemKind } from '../reports/items.js';
import type { Report } from '../reports/model.js';
import { renderHtml } from '../reports/render/html.js';
import { renderMarkdown } from '../reports/render/markdown.js';
import { renderPdf } from '../reports/render/pdf.js';
import * as store from '../reports/store.js';
import type { AppContext } from './context.js';
import { analysisContext } from './query.js';
import { getProject } from './projects.js';

/**
 * The stages that fill the optional parts of a report, in order. Areas add theirs here
 * (goals, findings, experiments) so the builder itself never changes.
 */
export const REPORT_STAGES: Stage[] = [goalsStage, trendsStage, channelStage, retentionStage, experimentsStage, findingsStage];

export type ReportFormat = 'md' | 'html' | 'pdf' | 'json';

/** A comparison basis as a period: like for like while `counted` is still running (see likeForLike). */
function comparisonPeriod(basis: Period, counted: CountedSpan): Period {
  const span = likeForLike(basis, counted);
  if (span.fromDate === basis.fromDate && span.toDate === basis.toDate) return basis;
  return { kind: 'custom', label: `${span.fromDate}..${span.toDate}`, fromDate: span.fromDate, toDate: span.toDate, days: Math.max(0, daysBetween(span.fromDate, span.toDate) + 1) };
}

async function buildContext(ctx: AppContext, projectId: string, label: string, now: Date, signal?: AbortSignal): Promise<BuildContext> {
  const period = parsePeriod(label);
  const project = await getProject(ctx, projectId);
  // Complete days only (through yesterday in the project's time zone), as every metric counts.
  const counted = countedSpan(period, addDays(localDate(now, project.timeZone), -1));
  const [row] = await ctx.meta.query<{ settings: { report?: ReportSettings } | null }>(`SELECT settings FROM projects WHERE id = $1`, [projectId]);
  return {
    engine: ctx.engine,
    meta: ctx.meta,
    now,
    ...(signal ? { signal } : {}),
    analysis: await analysisContext(ctx, projectId, { now, ...(signal ? { signal } : {}) }),
    projectName: project.name,
    period,
    counted,
    previous: comparisonPeriod(previousPeriod(period), counted),
    lastYear: comparisonPeriod(samePeriodLastYear(period), counted),
    settings: row?.settings?.report ?? {},
    metrics: { engine: ctx.engine, meta: ctx.meta, now, ...(signal ? { signal } : {}), evaluators: new Map() },
  };
}

export interface BuiltReport {
  report: Report;
  record: store.ReportRecord;
}

/**
 * The report of a period in a language: a published report is composed from its frozen
 * snapshot (no query runs); a draft is gathered now.
 *
 * @example const { report } = await getReport(ctx, 'demo', '2025-W28', 'zh-CN')
 */
export async function getReport(ctx: AppContext, projectId: string, label: string, lang: Lang, options: { now?: Date; signal?: AbortSignal } = {}): Promise<BuiltReport> {
  const bctx = await buildContext(ctx, projectId, label, options.now ?? new Date(), options.signal);
  const record = await store.ensureReport(ctx.meta, projectId, bctx.period);
  const items = await store.listItems(ctx.meta, record.id);
  if (record.status === 'published') {
    return { report: composeReport(record.snapshot as ReportData, items, lang, 'published', record.publishedAt ?? undefined), record };
  }
  const data = await gatherReportData(bctx, REPORT_STAGES);
  return { report: composeReport(data, items, lang, 'draft'), record };
}

/** Publishes a draft: gathers the numbers once more and freezes them with their read time. */
export async function publishReport(ctx: AppContext, projectId: string, label: string, options: { now?: Date; by?: string | null } = {}): Promise<store.ReportRecord> {
  const bctx = await buildContext(ctx, projectId, label, options.now ?? new Date());
  const record = await store.ensureReport(ctx.meta, projectId, bctx.period);
  if (record.status === 'published') throw new FupanError('report_published', { period: record.periodLabel });
  const data = await gatherReportData(bctx, REPORT_STAGES);
  return store.markPublished(ctx.meta, record, data, data.dataReadAt, options.by ?? null);
}

export async function listReports(ctx: AppContext, projectId: string) {
  await getProject(ctx, projectId);
  return store.listReports(ctx.meta, projectId);
}

async function draftRecord(ctx: AppContext, projectId: string, label: string) {
  await getProject(ctx, projectId);
  return store.ensureReport(ctx.meta, projectId, parsePeriod(label));
}

export async function addReportItem(ctx: AppContext, projectId: string, label: string, kind: ItemKind, input: unknown) {
  return store.addItem(ctx.meta, await draftRecord(ctx, projectId, label), kind, input);
}

export async function updateReportItem(ctx: AppContext, projectId: string, label: string, itemId: string, patch: unknown) {
  return store.updateItem(ctx.meta, await draftRecord(ctx, projectId, label), itemId, patch);
}

export async function deleteReportItem(ctx: AppContext, projectId: string, label: string, itemId: string) {
  return store.deleteItem(ctx.meta, await draftRecord(ctx, projectId, label), itemId);
}

export async function listReportItems(ctx: AppContext, projectId: string, label: string) {
  return store.listItems(ctx.meta, (await draftRecord(ctx, projectId, label)).id);
}

export interface Rendered {
  body: string | Buffer;
  contentType: string;
  /** Chart files to write beside a Markdown file. */
  assets: { name: string; svg: string }[];
}

/** Renders a built report in a format. Rendering never queries. */
export async function renderReport(ctx: Pick<AppContext, 'config'>, report: Report, format: ReportFormat, options: { assetDir?: string; embedCharts?: boolean } = {}): Promise<Rendered> {
  switch (format) {
    case 'md': {
      const { markdown, assets } = renderMarkdown(report, options);
      return { body: markdown, contentType: 'text/markdown; charset=utf-8', assets };
    }
    case 'html':
      return { body: renderHtml(report), contentType: 'text/html; charset=utf-8', assets: [] };
    case 'pdf':
      return { body: await renderPdf(renderHtml(report), ctx.config.chromiumPath), contentType: 'application/pdf', assets: [] };
    default:
      return { body: JSON.stringify(report, null, 2), contentType: 'application/json; charset=utf-8', assets: [] };
  }
}
