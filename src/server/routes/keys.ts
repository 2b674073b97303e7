import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { createKey, getKey, keyInput, listKeys, revokeKey } from '../../app/auth/keys.js';
import { FupanError } from '../../core/errors/index.js';
import { parseInput } from '../../core/validation.js';
import { authorize, roleOn } from '../auth.js';

type P = { Params: { id: string; keyId: string } };

/**
 * API keys of a project (the secret is returned once, at creation).
 * - GET    /api/projects/:id/keys         → { keys } (viewer: ingest keys and own read keys; owner: all)
 * - POST   /api/projects/:id/keys         { kind: 'ingest' | 'read', label? } → { id, kind, key, prefix, label }
 *          ingest keys: editor; personal read keys: any member, for themselves
 * - DELETE /api/projects/:id/keys/:keyId  → 204 (ingest: editor; read: its user or an owner)
 */
export async function keyRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get<P>('/api/projects/:id/keys', async (req) => {
    authorize(req, req.params.id, 'viewer');
    const userId = req.principal?.kind === 'user' ? req.principal.userId : null;
    return { keys: await listKeys(ctx, req.params.id, { userId, seeAllReadKeys: roleOn(req.principal, req.params.id) === 'owner' }) };
  });

  app.post<P>('/api/projects/:id/keys', async (req, reply) => {
    const { kind } = parseInput(keyInput, req.body);
    authorize(req, req.params.id, kind === 'ingest' ? 'editor' : 'viewer');
    if (kind === 'read' && req.principal?.kind === 'key') throw new FupanError('forbidden', { action: 'create keys with an API key' });
    const userId = req.principal?.kind === 'user' ? req.principal.userId : null;
    return reply.status(201).send(await createKey(ctx, req.params.id, userId, req.body));
  });

  app.delete<P>('/api/projects/:id/keys/:keyId', async (req, reply) => {
    authorize(req, req.params.id, 'viewer');
    const key = await getKey(ctx, req.params.id, req.params.keyId);
    const own = key.kind === 'read' && req.principal?.kind === 'user' && key.userId === req.principal.userId;
    if (!own) authorize(req, req.params.id, key.kind === 'ingest' ? 'editor' : 'owner');
    await revokeKey(ctx, req.params.id, req.params.keyId);
    return reply.status(204).send();
  });
}
