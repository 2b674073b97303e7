import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.js';
import { findKey } from '../app/projects.js';
import type { PrincipalResolver } from './auth.js';
import { errorHandler } from './errors.js';
import { healthRoutes } from './routes/health.js';
import { projectRoutes } from './routes/projects.js';
import { queryRoutes } from './routes/query.js';

export interface ServerOptions {
  /** Token of the local operator (CLI through the server); kept in the lock file. */
  adminToken?: string;
  logger?: boolean;
  /** Extra ways to recognise a caller (sessions), tried before API keys. */
  resolvers?: PrincipalResolver[];
}

/**
 * Builds the HTTP app: error handler, caller resolution, then each area's routes. Tests
 * drive it in-process with `app.inject()`.
 *
 * @example const app = await buildServer(ctx); await app.inject({ url: '/health' })
 */
export async function buildServer(ctx: AppContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: ctx.config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] } : false,
    bodyLimit: ctx.config.maxBodyBytes,
    trustProxy: true,
  });
  app.setErrorHandler(errorHandler);

  const resolvers: PrincipalResolver[] = [...(options.resolvers ?? []), bearerResolver(ctx, options.adminToken)];
  app.addHook('onRequest', async (req) => {
    for (const resolve of resolvers) {
      const principal = await resolve(req);
      if (principal) {
        req.principal = principal;
        return;
      }
    }
  });

  await healthRoutes(app, ctx);
  await projectRoutes(app, ctx);
  await queryRoutes(app, ctx);
  return app;
}

/** `Authorization: Bearer <token>` — the admin token or a project read key. */
function bearerResolver(ctx: AppContext, adminToken?: string): PrincipalResolver {
  return async (req) => {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) return undefined;
    const token = header.slice(7).trim();
    if (adminToken && token === adminToken) return { kind: 'admin' };
    const key = await findKey(ctx, token);
    if (!key) return undefined;
    return { kind: 'key', keyId: key.id, projectId: key.projectId, keyKind: key.kind };
  };
}
