import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { applyDictionary, exportDictionary } from '../../app/metrics.js';
import { evaluateMetric } from '../../analyses/metrics/api.js';
import { describeMetric } from '../../analyses/metrics/describe.js';
import { deleteMetric, loadDictionary, upsertMetric } from '../../analyses/metrics/store.js';
import { parsePeriod } from '../../analyses/shared/period.js';
import { FupanError } from '../../core/errors/index.js';
import { authorize } from '../auth.js';

/**
 * The metric dictionary.
 * - GET    /api/projects/:id/metrics                 → { metrics: [{ …metric, source, formula }] } (viewer)
 * - GET    /api/projects/:id/metrics/export          → YAML text (viewer)
 * - POST   /api/projects/:id/metrics/apply           → body: YAML text; { upserted, unchanged } (editor)
 * - GET    /api/projects/:id/metrics/:key            → metric (viewer)
 * - GET    /api/projects/:id/metrics/:key/value?period=2025-W28[&property=channel&value=douyin] (viewer)
 * - PUT    /api/projects/:id/metrics/:key            → body: metric (editor)
 * - DELETE /api/projects/:id/metrics/:key            → 204 (editor; a built-in key falls back to the catalogue)
 */
export async function metricRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  type P = { Params: { id: string; key: string } };
  app.get<P>('/api/projects/:id/metrics', async (req) => {
    authorize(req, req.params.id, 'viewer');
    const dict = await loadDictionary(ctx.meta, req.params.id);
    return { metrics: [...dict.values()].map((e) => ({ ...e.metric, source: e.source, formula: describeMetric(e.metric) })) };
  });
  app.get<P>('/api/projects/:id/metrics/export', async (req, reply) => {
    authorize(req, req.params.id, 'viewer');
    return reply.type('application/yaml; charset=utf-8').send(await exportDictionary(ctx, req.params.id));
  });
  app.post<P>('/api/projects/:id/metrics/apply', async (req) => {
    authorize(req, req.params.id, 'editor');
    if (typeof req.body !== 'string') throw new FupanError('invalid_input', { path: '(body)', problem: 'send the YAML file as text/plain or application/yaml' });
    return applyDictionary(ctx, req.params.id, req.body);
  });
  app.get<P>('/api/projects/:id/metrics/:key', async (req) => {
    authorize(req, req.params.id, 'viewer');
    const e = (await loadDictionary(ctx.meta, req.params.id)).get(req.params.key);
    if (!e) throw new FupanError('not_found', { what: 'metric', id: req.params.key });
    return { ...e.metric, source: e.source, formula: describeMetric(e.metric) };
  });
  app.get<P & { Querystring: { period?: string; property?: string; value?: string } }>('/api/projects/:id/metrics/:key/value', async (req) => {
    authorize(req, req.params.id, 'viewer');
    const q = req.query;
    if (!q.period) throw new FupanError('invalid_input', { path: 'period', problem: 'required, e.g. 2025-W28' });
    const dimension = q.property && q.value !== undefined ? { dimension: { property: q.property, value: q.value } } : {};
    return evaluateMetric(ctx, req.params.id, req.params.key, parsePeriod(q.period), dimension);
  });
  app.put<P>('/api/projects/:id/metrics/:key', async (req) => {
    authorize(req, req.params.id, 'editor');
    const body = { ...(req.body as Record<string, unknown>), key: req.params.key };
    return upsertMetric(ctx.meta, req.params.id, body);
  });
  app.delete<P>('/api/projects/:id/metrics/:key', async (req, reply) => {
    authorize(req, req.params.id, 'editor');
    if (!(await deleteMetric(ctx.meta, req.params.id, req.params.key))) throw new FupanError('not_found', { what: 'metric', id: req.params.key });
    return reply.status(204).send();
  });
}
