import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { runQuery } from '../../app/query.js';
import { authorize } from '../auth.js';

/**
 * POST /api/projects/:id/query — body: an analysis spec `{ kind, … }` (docs/analyses.md).
 * The query is cancelled when the client goes away (a closed tab, a cancel button).
 */
export async function queryRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post<{ Params: { id: string } }>('/api/projects/:id/query', async (req, reply) => {
    authorize(req, req.params.id, 'viewer');
    const controller = new AbortController();
    // The request stream closes as soon as its body is read (Node ≥ 16), so watch the
    // response: closed before it was written means the client went away.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    return runQuery(ctx, req.params.id, req.body, { signal: controller.signal });
  });
}
