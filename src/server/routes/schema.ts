import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { listEventNames, listPropertyKeys } from '../../app/schema.js';
import { authorize } from '../auth.js';

/**
 * What a project's data contains, for the analysis builders.
 * - GET /api/projects/:id/schema/events                 → { events: [{ event, count, lastSeen }] } (last 90 days)
 * - GET /api/projects/:id/schema/properties?event=name  → { properties: [{ property, count }] } (last 30 days)
 */
export async function schemaRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<{ Params: { id: string } }>('/api/projects/:id/schema/events', async (req) => {
    authorize(req, req.params.id, 'viewer');
    return { events: await listEventNames(ctx, req.params.id) };
  });
  app.get<{ Params: { id: string }; Querystring: { event?: string } }>('/api/projects/:id/schema/properties', async (req) => {
    authorize(req, req.params.id, 'viewer');
    const event = typeof req.query.event === 'string' && req.query.event ? req.query.event.slice(0, 200) : undefined;
    return { properties: await listPropertyKeys(ctx, req.params.id, event) };
  });
}
