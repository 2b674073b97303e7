import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import {
  addReportItem,
  deleteReportItem,
  getReport,
  listReportItems,
  listReports,
  publishReport,
  renderReport,
  updateReportItem,
} from '../../app/reports.js';
import { pickLang } from '../../core/lang.js';
import { parseInput } from '../../core/validation.js';
import { ITEM_KINDS } from '../../reports/items.js';
import { authorize } from '../auth.js';

type P = { id: string; period: string };
const renderQuery = z.object({ lang: z.string().optional(), format: z.enum(['json', 'md', 'html', 'pdf']).default('json'), download: z.enum(['0', '1']).optional() }).strict();
const itemBody = z.object({ kind: z.enum(ITEM_KINDS as [string, ...string[]]) }).passthrough();

/**
 * Reports (docs/reports.md).
 * - GET    /api/projects/:id/reports                         → { reports }
 * - GET    /api/projects/:id/reports/:period?format=&lang=    → the report (json) or its rendering (md, html, pdf)
 * - GET    /api/projects/:id/reports/:period/items            → { items }
 * - POST   /api/projects/:id/reports/:period/items            → { kind, …fields } (editor)
 * - PATCH  /api/projects/:id/reports/:period/items/:itemId    → fields to change (editor)
 * - DELETE /api/projects/:id/reports/:period/items/:itemId    (editor)
 * - POST   /api/projects/:id/reports/:period/publish          → the frozen record (editor)
 */
export async function reportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<{ Params: { id: string } }>('/api/projects/:id/reports', async (req) => {
    authorize(req, req.params.id, 'viewer');
    return { reports: await listReports(ctx, req.params.id) };
  });

  app.get<{ Params: P }>('/api/projects/:id/reports/:period', async (req, reply) => {
    authorize(req, req.params.id, 'viewer');
    const q = parseInput(renderQuery, req.query);
    const lang = pickLang(q.lang ?? req.headers['accept-language'], ctx.config.lang);
    const controller = new AbortController();
    // Watch the response, not the request (whose stream closes once read): closed before
    // it was written means the client went away, so stop querying for it.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    const { report } = await getReport(ctx, req.params.id, req.params.period, lang, { signal: controller.signal });
    if (q.format === 'json') return report;
    const rendered = await renderReport(ctx, report, q.format, { embedCharts: true });
    const ext = q.format;
    reply.header('content-type', rendered.contentType);
    if (q.download === '1') reply.header('content-disposition', `attachment; filename="fupan-${req.params.id}-${encodeURIComponent(req.params.period)}.${ext}"`);
    // Rendered reports carry user text: forbid scripts even if a browser opens the file.
    if (q.format === 'html') reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    return reply.send(rendered.body);
  });

  app.get<{ Params: P }>('/api/projects/:id/reports/:period/items', async (req) => {
    authorize(req, req.params.id, 'viewer');
    return { items: await listReportItems(ctx, req.params.id, req.params.period) };
  });

  app.post<{ Params: P }>('/api/projects/:id/reports/:period/items', async (req, reply) => {
    authorize(req, req.params.id, 'editor');
    const { kind, ...fields } = parseInput(itemBody, req.body);
    return reply.status(201).send(await addReportItem(ctx, req.params.id, req.params.period, kind as (typeof ITEM_KINDS)[number], fields));
  });

  app.patch<{ Params: P & { itemId: string } }>('/api/projects/:id/reports/:period/items/:itemId', async (req) => {
    authorize(req, req.params.id, 'editor');
    return updateReportItem(ctx, req.params.id, req.params.period, req.params.itemId, req.body ?? {});
  });

  app.delete<{ Params: P & { itemId: string } }>('/api/projects/:id/reports/:period/items/:itemId', async (req, reply) => {
    authorize(req, req.params.id, 'editor');
    await deleteReportItem(ctx, req.params.id, req.params.period, req.params.itemId);
    return reply.status(204).send();
  });

  app.post<{ Params: P }>('/api/projects/:id/reports/:period/publish', async (req) => {
    authorize(req, req.params.id, 'editor');
    const by = req.principal?.kind === 'user' ? req.principal.userId : null;
    const { snapshot: _snapshot, ...record } = await publishReport(ctx, req.params.id, req.params.period, { by });
    return record;
  });
}
