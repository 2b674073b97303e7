import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { createProject, getProject, listProjects, updateProject } from '../../app/projects.js';
import { authorize, requirePrincipal, roleOn } from '../auth.js';

/**
 * Projects.
 * - GET  /api/projects            → { projects: Project[] } (those the caller can see)
 * - POST /api/projects            → { id, ingestKey, project } (admin or a signed-in user, who becomes owner)
 * - GET  /api/projects/:id        → Project
 * - PATCH /api/projects/:id       → Project (owner)
 */
export async function projectRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/api/projects', async (req) => {
    const principal = requirePrincipal(req);
    const all = await listProjects(ctx);
    return { projects: all.filter((p) => roleOn(principal, p.id)) };
  });

  app.post('/api/projects', async (req, reply) => {
    const principal = requirePrincipal(req);
    if (principal.kind === 'key') {
      return reply.status(403).send({ error: { code: 'forbidden', message: 'API keys cannot create projects' } });
    }
    const { project, ingestKey } = await createProject(ctx, req.body as never);
    if (principal.kind === 'user') {
      await ctx.meta.query(`INSERT INTO memberships (project_id, user_id, role) VALUES ($1, $2, 'owner') ON CONFLICT DO NOTHING`, [
        project.id,
        principal.userId,
      ]).catch(() => undefined);
    }
    return reply.status(201).send({ id: project.id, ingestKey, project });
  });

  app.get<{ Params: { id: string } }>('/api/projects/:id', async (req) => {
    authorize(req, req.params.id, 'viewer');
    return getProject(ctx, req.params.id);
  });

  app.patch<{ Params: { id: string } }>('/api/projects/:id', async (req) => {
    authorize(req, req.params.id, 'owner');
    return updateProject(ctx, req.params.id, req.body as never);
  });
}
