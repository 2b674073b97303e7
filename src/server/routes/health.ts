import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';

/** GET /health — liveness and which engines are in use. */
export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/health', async () => ({ ok: true, engine: ctx.engine.kind, metadata: ctx.meta.kind }));
}
