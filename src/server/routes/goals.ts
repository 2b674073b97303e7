import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { goalsStatus } from '../../goals/status.js';
import { addGoal, deleteGoal, getGoal, listGoals, updateGoal } from '../../goals/store.js';
import { authorize } from '../auth.js';

/**
 * Goals.
 * - GET    /api/projects/:id/goals[?period=2025-07]          → { goals } (viewer)
 * - GET    /api/projects/:id/goals/status[?period=2025-07]   → { goals: GoalStatusReport[] } (viewer)
 * - POST   /api/projects/:id/goals                           → 201 goal (editor)
 * - GET    /api/projects/:id/goals/:goalId                   → goal (viewer)
 * - PATCH  /api/projects/:id/goals/:goalId                   → goal (editor)
 * - DELETE /api/projects/:id/goals/:goalId                   → 204 (editor)
 */
export async function goalRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  type P = { Params: { id: string; goalId: string }; Querystring: { period?: string } };
  const period = (q: { period?: string }) => (q.period ? { period: q.period } : {});
  app.get<P>('/api/projects/:id/goals', async (req) => {
    authorize(req, req.params.id, 'viewer');
    return { goals: await listGoals(ctx.meta, req.params.id, period(req.query)) };
  });
  app.get<P>('/api/projects/:id/goals/status', async (req) => {
    authorize(req, req.params.id, 'viewer');
    return { goals: await goalsStatus(ctx, req.params.id, period(req.query)) };
  });
  app.post<P>('/api/projects/:id/goals', async (req, reply) => {
    authorize(req, req.params.id, 'editor');
    return reply.status(201).send(await addGoal(ctx.meta, req.params.id, req.body));
  });
  app.get<P>('/api/projects/:id/goals/:goalId', async (req) => {
    authorize(req, req.params.id, 'viewer');
    return getGoal(ctx.meta, req.params.id, req.params.goalId);
  });
  app.patch<P>('/api/projects/:id/goals/:goalId', async (req) => {
    authorize(req, req.params.id, 'editor');
    return updateGoal(ctx.meta, req.params.id, req.params.goalId, req.body);
  });
  app.delete<P>('/api/projects/:id/goals/:goalId', async (req, reply) => {
    authorize(req, req.params.id, 'editor');
    await deleteGoal(ctx.meta, req.params.id, req.params.goalId);
    return reply.status(204).send();
  });
}
