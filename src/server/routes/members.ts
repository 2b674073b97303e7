import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { createInvitation, listInvitations, revokeInvitation } from '../../app/auth/invitations.js';
import { listMembers, removeMember, setRole } from '../../app/auth/members.js';
import { authorize } from '../auth.js';

type P = { Params: { id: string; userId: string; invitationId: string } };

/**
 * Members and invitations of a project.
 * - GET    /api/projects/:id/members                  → { members } (viewer)
 * - PATCH  /api/projects/:id/members/:userId          { role } → member (owner)
 * - DELETE /api/projects/:id/members/:userId          → 204 (owner, or the member leaving)
 * - GET    /api/projects/:id/invitations              → { invitations } pending (owner)
 * - POST   /api/projects/:id/invitations              { role, email?, days? } → { …invitation, token } (owner)
 * - DELETE /api/projects/:id/invitations/:invitationId → 204 (owner)
 */
export async function memberRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<P>('/api/projects/:id/members', async (req) => {
    authorize(req, req.params.id, 'viewer');
    return { members: await listMembers(ctx, req.params.id) };
  });

  app.patch<P>('/api/projects/:id/members/:userId', async (req) => {
    authorize(req, req.params.id, 'owner');
    return setRole(ctx, req.params.id, req.params.userId, req.body);
  });

  app.delete<P>('/api/projects/:id/members/:userId', async (req, reply) => {
    const self = req.principal?.kind === 'user' && req.principal.userId === req.params.userId;
    authorize(req, req.params.id, self ? 'viewer' : 'owner');
    await removeMember(ctx, req.params.id, req.params.userId);
    return reply.status(204).send();
  });

  app.get<P>('/api/projects/:id/invitations', async (req) => {
    authorize(req, req.params.id, 'owner');
    return { invitations: await listInvitations(ctx, req.params.id) };
  });

  app.post<P>('/api/projects/:id/invitations', async (req, reply) => {
    authorize(req, req.params.id, 'owner');
    const by = req.principal?.kind === 'user' ? req.principal.userId : null;
    return reply.status(201).send(await createInvitation(ctx, req.params.id, by, req.body));
  });

  app.delete<P>('/api/projects/:id/invitations/:invitationId', async (req, reply) => {
    authorize(req, req.params.id, 'owner');
    await revokeInvitation(ctx, req.params.id, req.params.invitationId);
    return reply.status(204).send();
  });
}
