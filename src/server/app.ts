import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.js';
import { findKey } from '../app/projects.js';
import type { PrincipalResolver } from './auth.js';
import { errorHandler } from './errors.js';
import { authRoutes } from './routes/auth.js';
import type { SignInLimitOptions } from './sign-in-limit.js';
import { captureRoutes } from './routes/capture.js';
import { importRoutes } from './routes/import.js';
import { experimentRoutes } from './routes/experiments.js';
import { healthRoutes } from './routes/health.js';
import { insightRoutes } from './routes/insights.js';
import { keyRoutes } from './routes/keys.js';
import { schemaRoutes } from './routes/schema.js';
import { memberRoutes } from './routes/members.js';
import { projectRoutes } from './routes/projects.js';
import { statsRoutes } from './routes/stats.js';
import { sessionResolver } from './session.js';
import { webRoutes } from './web.js';
import { queryRoutes } from './routes/query.js';
import { metricRoutes } from './routes/metrics.js';
import { goalRoutes } from './routes/goals.js';
import { reportRoutes } from './routes/reports.js';
import { sqlRoutes } from './routes/sql.js';

export interface ServerOptions {
  /** Token of the local operator (CLI through the server); kept in the lock file. */
  adminToken?: string;
  logger?: boolean;
  /** Ways to recognise a caller, tried in order before API keys (default: the session cookie). */
  resolvers?: PrincipalResolver[];
  /** Directory of the web app's build (default: the package's web/dist; false: no web app). */
  webDist?: string | false;
  /** Failed sign-in limit per email and per IP (default 10 in 15 minutes). */
  signInLimit?: SignInLimitOptions;
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

  const resolvers: PrincipalResolver[] = [...(options.resolvers ?? [sessionResolver(ctx)]), bearerResolver(ctx, options.adminToken)];
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
  await captureRoutes(app, ctx);
  await importRoutes(app, ctx);
  await authRoutes(app, ctx, options.signInLimit ? { signInLimit: options.signInLimit } : {});
  await projectRoutes(app, ctx);
  await memberRoutes(app, ctx);
  await keyRoutes(app, ctx);
  await schemaRoutes(app, ctx);
  await insightRoutes(app, ctx);
  await queryRoutes(app, ctx);
  await metricRoutes(app, ctx);
  await goalRoutes(app, ctx);
  await reportRoutes(app, ctx);
  await sqlRoutes(app, ctx);
  await statsRoutes(app, ctx);
  await experimentRoutes(app, ctx);
  // Last: the web app's static files and the SPA fallback (a not-found handler).
  await webRoutes(app, options.webDist);
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
