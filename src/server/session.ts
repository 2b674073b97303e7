import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app/context.js';
import { lookupSession, type NewSession, SESSION_TTL_SECONDS } from '../app/auth/sessions.js';
import { rolesOf } from '../app/auth/users.js';
import { FupanError } from '../core/errors/index.js';
import type { PrincipalResolver } from './auth.js';

export const SESSION_COOKIE = 'fupan_session';
export const CSRF_COOKIE = 'fupan_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session behind the request, when there is one. */
    fupanSession?: { id: string; idHash: string; csrfToken: string };
    /** Set when the request carried a session cookie that has expired. */
    fupanSessionExpired?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reads one cookie from the raw header (the resolver runs before any plugin hook). */
export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Recognises a signed-in user from the session cookie and enforces CSRF protection.
 *
 * CSRF: every state-changing request (anything but GET / HEAD / OPTIONS) that is
 * authenticated by the session cookie must carry `X-CSRF-Token` equal to the token bound
 * to that session (synchroniser token; the web app reads it from the non-HttpOnly
 * `fupan_csrf` cookie or from `/api/me`). A cross-site page can make the browser send the
 * cookie but cannot read the token or set a custom header without a CORS preflight we
 * never grant. We chose a token over an Origin check because behind reverse proxies the
 * Host the server sees often differs from the public origin, and some clients omit Origin;
 * the token works the same everywhere. SameSite=Lax cookies are a second layer. Requests
 * authenticated with `Authorization: Bearer` carry no ambient credential and need no token.
 */
export function sessionResolver(ctx: AppContext): PrincipalResolver {
  return async (req) => {
    // Sessions are for the web app's API; capture endpoints authenticate by API key, so a
    // page on this origin running the SDK is not refused for lacking a CSRF token.
    if (!req.url.startsWith('/api/')) return undefined;
    const id = readCookie(req, SESSION_COOKIE);
    if (!id) return undefined;
    const found = await lookupSession(ctx, id);
    if (found.state === 'expired') req.fupanSessionExpired = true;
    if (found.state !== 'valid') return undefined;
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameToken(sent, found.csrfToken)) throw new FupanError('csrf_failed');
    }
    req.fupanSession = { id, idHash: found.idHash, csrfToken: found.csrfToken };
    return { kind: 'user', userId: found.user.id, email: found.user.email, roles: await rolesOf(ctx, found.user) };
  };
}

function secure(req: FastifyRequest): boolean {
  return req.protocol === 'https';
}

/** Sets the session cookie (HttpOnly) and the CSRF cookie (readable by the page). */
export function setSessionCookies(req: FastifyRequest, reply: FastifyReply, session: NewSession): void {
  const common = { path: '/', sameSite: 'lax' as const, secure: secure(req), maxAge: SESSION_TTL_SECONDS };
  reply.setCookie(SESSION_COOKIE, session.id, { ...common, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(req: FastifyRequest, reply: FastifyReply): void {
  const common = { path: '/', sameSite: 'lax' as const, secure: secure(req) };
  reply.clearCookie(SESSION_COOKIE, { ...common, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, common);
}
