import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { createInsight, deleteInsight, listInsights, updateInsight } from '../../app/insights.js';
import { authorize } from '../auth.js';

type P = { Params: { id: string; insightId: string }; Querystring: { pinned?: string } };

/**
 * Saved insights (analysis specs with a name), pinned to the project's dashboard.
 * - GET    /api/projects/:id/insights[?pinned=true] → { insights } (viewer)
 * - POST   /api/projects/:id/insights               { name, spec, pinned? } → insight (editor)
 * - PATCH  /api/projects/:id/insights/:insightId    { name?, pinned?, position? } → insight (editor)
 * - DELETE /api/projects/:id/insights/:insightId    → 204 (editor)
 */
export async function insightRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<P>('/api/projects/:id/insights', async (req) => {
    authorize(req, req.params.id, 'viewer');
    return { insights: await listInsights(ctx, req.params.id, req.query.pinned === 'true') };
  });
  app.post<P>('/api/projects/:id/insights', async (req, reply) => {
    authorize(req, req.params.id, 'editor');
    const userId = req.principal?.kind === 'user' ? req.principal.userId : null;
    return reply.status(201).send(await createInsight(ctx, req.params.id, userId, req.body));
  });
  app.patch<P>('/api/projects/:id/insights/:insightId', async (req) => {
    authorize(req, req.params.id, 'editor');
    return updateInsight(ctx, req.params.id, req.params.insightId, req.body);
  });
  app.delete<P>('/api/projects/:id/insights/:insightId', async (req, reply) => {
    authorize(req, req.params.id, 'editor');
    await deleteInsight(ctx, req.params.id, req.params.insightId);
    return reply.status(204).send();
  });
}
