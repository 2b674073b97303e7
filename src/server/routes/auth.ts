import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { acceptInvitation, describeInvitation } from '../../app/auth/invitations.js';
import { createSession, deleteSession } from '../../app/auth/sessions.js';
import { authenticate, changePassword, countUsers, getUser, insertUser, rolesOf, setupOwner, updateProfile, type User } from '../../app/auth/users.js';
import { listProjects } from '../../app/projects.js';
import { FupanError } from '../../core/errors/index.js';
import { requirePrincipal } from '../auth.js';
import { clearSessionCookies, setSessionCookies } from '../session.js';
import { SignInLimiter, type SignInLimitOptions } from '../sign-in-limit.js';

/** The signed-in user, from the request (throws `unauthorized` / `session_expired`). */
export function requireUser(req: FastifyRequest): { userId: string; email: string } {
  if (!req.principal && req.fupanSessionExpired) throw new FupanError('session_expired');
  const p = requirePrincipal(req);
  if (p.kind !== 'user') throw new FupanError('forbidden', { action: 'use account pages with an API key or the admin token' });
  return { userId: p.userId, email: p.email };
}

async function me(ctx: AppContext, user: User, csrfToken: string | undefined) {
  const roles = await rolesOf(ctx, user);
  const projects = (await listProjects(ctx)).filter((p) => roles[p.id]).map((p) => ({ ...p, role: roles[p.id] }));
  return { user, projects, csrfToken: csrfToken ?? null };
}

async function signIn(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, user: User) {
  const session = await createSession(ctx, user.id);
  setSessionCookies(req, reply, session);
  return me(ctx, user, session.csrfToken);
}

/**
 * Accounts.
 * - GET  /api/setup                     → { needsSetup } (true until the first account exists)
 * - POST /api/setup                     { email, password, name?, lang? } → me (owner; only when no account exists)
 * - POST /api/auth/sign-in              { email, password } → me, sets the session cookies; 10 failures per
 *                                       email and per IP in 15 min → too_many_sign_ins (429, Retry-After)
 * - POST /api/auth/sign-out             → 204, ends the session
 * - GET  /api/me                        → { user, projects: [{ …project, role }], csrfToken }
 * - PATCH /api/me                       { name?, lang? } → me
 * - POST /api/me/password               { currentPassword, newPassword } → 204 (other sessions end)
 * - GET  /api/invitations/:token        → { projectId, projectName, role, email, expiresAt } (no sign-in needed)
 * - POST /api/invitations/:token/accept → me; signed in: joins; otherwise { email, password, name? } creates the account
 */
export async function authRoutes(app: FastifyInstance, ctx: AppContext, options: { signInLimit?: SignInLimitOptions } = {}): Promise<void> {
  await app.register(fastifyCookie);
  const limiter = new SignInLimiter(options.signInLimit);

  app.get('/api/setup', async () => ({ needsSetup: (await countUsers(ctx)) === 0 }));

  app.post('/api/setup', async (req, reply) => {
    const user = await setupOwner(ctx, req.body as never);
    return reply.status(201).send(await signIn(ctx, req, reply, user));
  });

  app.post('/api/auth/sign-in', async (req, reply) => {
    const email = String((req.body as { email?: unknown } | null)?.email ?? '');
    try {
      limiter.check(email, req.ip);
    } catch (e) {
      if (e instanceof FupanError) reply.header('Retry-After', String(e.details.retryAfter));
      throw e;
    }
    let user: User;
    try {
      user = await authenticate(ctx, req.body);
    } catch (e) {
      if (e instanceof FupanError && e.code === 'invalid_credentials') limiter.fail(email, req.ip);
      throw e;
    }
    limiter.succeed(email);
    if (req.fupanSession) await deleteSession(ctx, req.fupanSession.id);
    return signIn(ctx, req, reply, user);
  });

  app.post('/api/auth/sign-out', async (req, reply) => {
    if (req.fupanSession) await deleteSession(ctx, req.fupanSession.id);
    clearSessionCookies(req, reply);
    return reply.status(204).send();
  });

  app.get('/api/me', async (req) => {
    const { userId } = requireUser(req);
    return me(ctx, await getUser(ctx, userId), req.fupanSession?.csrfToken);
  });

  app.patch('/api/me', async (req) => {
    const { userId } = requireUser(req);
    return me(ctx, await updateProfile(ctx, userId, req.body), req.fupanSession?.csrfToken);
  });

  app.post('/api/me/password', async (req, reply) => {
    const { userId } = requireUser(req);
    await changePassword(ctx, userId, req.body, req.fupanSession?.idHash);
    return reply.status(204).send();
  });

  app.get<{ Params: { token: string } }>('/api/invitations/:token', async (req) => describeInvitation(ctx, req.params.token));

  app.post<{ Params: { token: string } }>('/api/invitations/:token/accept', async (req, reply) => {
    if (req.principal?.kind === 'user') {
      await acceptInvitation(ctx, req.params.token, req.principal.userId, req.principal.email);
      return me(ctx, await getUser(ctx, req.principal.userId), req.fupanSession?.csrfToken);
    }
    const info = await describeInvitation(ctx, req.params.token);
    const body = { ...(req.body as Record<string, unknown>) };
    if (info.email && !body.email) body.email = info.email;
    const user = await ctx.meta.transaction((tx) => insertUser(tx, body as never));
    await acceptInvitation(ctx, req.params.token, user.id, user.email);
    return signIn(ctx, req, reply, user);
  });
}
