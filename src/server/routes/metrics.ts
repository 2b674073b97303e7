import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { applyDictionary, exportDictionary } from '../../app/metrics.js';
import { COMPARISONS, type Comparison, metricValues, reportMetricKeys } from '../../app/metric-values.js';
import { evaluateMetric } from '../../analyses/metrics/api.js';
import type { MetricEvaluator } from '../../analyses/metrics/evaluate.js';
import { describeMetric } from '../../analyses/metrics/describe.js';
import { deleteMetric, loadDictionary, upsertMetric } from '../../analyses/metrics/store.js';
import { parsePeriod } from '../../analyses/shared/period.js';
import { FupanError } from '../../core/errors/index.js';
import { pickLang } from '../../core/lang.js';
import { authorize } from '../auth.js';

/**
 * The metric dictionary.
 * - GET    /api/projects/:id/metrics                 → { metrics: [{ …metric, source, formula }], reportMetrics: string[] | null } (viewer)
 * - GET    /api/projects/:id/metric-values?period=2025-07&keys=gmv,orders[&compare=previous_period,previous_year]
 *                                                     → { period, values: [{ key, name, format, formula, value, compare, error? }] } (viewer)
 * - GET    /api/projects/:id/metrics/export          → YAML text (viewer)
 * - POST   /api/projects/:id/metrics/apply           → body: YAML text; { upserted, unchanged } (editor)
 * - GET    /api/projects/:id/metrics/:key            → metric (viewer)
 * - GET    /api/projects/:id/metrics/:key/value?period=2025-W28[&property=channel&value=douyin][&compare=previous_period,previous_year] (viewer)
 *            → evaluateMetric's result; with `compare`: + compare.{previous_period|previous_year} = { span, value, absolute, relative }
 * - PUT    /api/projects/:id/metrics/:key            → body: metric (editor)
 * - DELETE /api/projects/:id/metrics/:key            → 204 (editor; a built-in key falls back to the catalogue)
 */
export async function metricRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  type P = { Params: { id: string; key: string } };
  app.get<P>('/api/projects/:id/metrics', async (req) => {
    authorize(req, req.params.id, 'viewer');
    const dict = await loadDictionary(ctx.meta, req.params.id);
    return {
      metrics: [...dict.values()].map((e) => ({ ...e.metric, source: e.source, formula: describeMetric(e.metric) })),
      reportMetrics: await reportMetricKeys(ctx, req.params.id),
    };
  });
  app.get<P & { Querystring: { period?: string; keys?: string; compare?: string } }>('/api/projects/:id/metric-values', async (req, reply) => {
    authorize(req, req.params.id, 'viewer');
    const controller = new AbortController();
    // Closed before the answer was written: the client went away (cancel), stop the queries.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    const q = req.query;
    if (!q.period) throw new FupanError('invalid_input', { path: 'period', problem: 'required, e.g. 2025-W28' });
    const keys = [...new Set((q.keys ?? '').split(',').map((k) => k.trim()).filter(Boolean))];
    if (!keys.length || keys.length > 24) throw new FupanError('invalid_input', { path: 'keys', problem: 'expected 1–24 comma-separated metric keys' });
    const values = await metricValues({ ...ctx, signal: controller.signal }, req.params.id, keys, q.period, comparisons(q.compare), pickLang(req.headers['accept-language']));
    return { period: parsePeriod(q.period).label, values };
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
  app.get<P & { Querystring: { period?: string; property?: string; value?: string; compare?: string } }>('/api/projects/:id/metrics/:key/value', async (req) => {
    authorize(req, req.params.id, 'viewer');
    const q = req.query;
    if (!q.period) throw new FupanError('invalid_input', { path: 'period', problem: 'required, e.g. 2025-W28' });
    const dimension = q.property && q.value !== undefined ? { dimension: { property: q.property, value: q.value } } : {};
    const compare = comparisons(q.compare);
    if (compare.length && q.property) throw new FupanError('invalid_input', { path: 'compare', problem: 'not available with a dimension value' });
    const evaluators = new Map<string, Promise<MetricEvaluator>>();
    const result = await evaluateMetric({ ...ctx, evaluators }, req.params.id, req.params.key, parsePeriod(q.period), dimension);
    if (!compare.length) return result;
    const [v] = await metricValues({ ...ctx, evaluators }, req.params.id, [req.params.key], q.period, compare, pickLang(req.headers['accept-language']));
    return { ...result, compare: v!.compare };
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

/** `compare=previous_period,previous_year` (also `previous` / `year`) → the comparisons asked for. */
function comparisons(text: string | undefined): Comparison[] {
  const out = new Set<Comparison>();
  for (const part of (text ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const c = part === 'previous' ? 'previous_period' : part === 'year' ? 'previous_year' : part;
    if (!(COMPARISONS as readonly string[]).includes(c)) throw new FupanError('invalid_input', { path: 'compare', problem: `expected ${COMPARISONS.join(' or ')}` });
    out.add(c as Comparison);
  }
  return [...out];
}
