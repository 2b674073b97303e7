import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { createExperiment, deleteExperiment, experimentResults, getExperiment, listExperiments, updateExperiment } from '../../app/experiments.js';
import { authorize } from '../auth.js';

type P = { Params: { id: string; key: string }; Querystring: { status?: string } };

/**
 * Experiments (docs/experiments.md).
 * - GET    /api/projects/:id/experiments[?status=running] → { experiments } (viewer)
 * - POST   /api/projects/:id/experiments                  definition → 201 experiment (editor)
 * - GET    /api/projects/:id/experiments/:key             → experiment (viewer)
 * - PATCH  /api/projects/:id/experiments/:key             fields → experiment (editor)
 * - DELETE /api/projects/:id/experiments/:key             → 204 (editor)
 * - GET    /api/projects/:id/experiments/:key/results     → results (viewer)
 */
export async function experimentRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<P>('/api/projects/:id/experiments', async (req) => {
    authorize(req, req.params.id, 'viewer');
    return { experiments: await listExperiments(ctx, req.params.id, req.query.status) };
  });
  app.post<P>('/api/projects/:id/experiments', async (req, reply) => {
    authorize(req, req.params.id, 'editor');
    const userId = req.principal?.kind === 'user' ? req.principal.userId : null;
    return reply.status(201).send(await createExperiment(ctx, req.params.id, userId, req.body));
  });
  app.get<P>('/api/projects/:id/experiments/:key', async (req) => {
    authorize(req, req.params.id, 'viewer');
    return getExperiment(ctx, req.params.id, req.params.key);
  });
  app.patch<P>('/api/projects/:id/experiments/:key', async (req) => {
    authorize(req, req.params.id, 'editor');
    return updateExperiment(ctx, req.params.id, req.params.key, req.body);
  });
  app.delete<P>('/api/projects/:id/experiments/:key', async (req, reply) => {
    authorize(req, req.params.id, 'editor');
    await deleteExperiment(ctx, req.params.id, req.params.key);
    return reply.status(204).send();
  });
  app.get<P>('/api/projects/:id/experiments/:key/results', async (req, reply) => {
    authorize(req, req.params.id, 'viewer');
    // Cancel the queries when the client goes away (the response closed before it was written).
    const controller = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    return experimentResults(ctx, req.params.id, req.params.key, { signal: controller.signal });
  });
}
