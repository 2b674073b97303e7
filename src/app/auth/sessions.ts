import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from '../context.js';
import { toUser, type User } from './users.js';

type Ctx = Pick<AppContext, 'meta'>;

/** Sessions last 14 days from sign-in. */
export const SESSION_TTL_SECONDS = 14 * 24 * 3600;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface NewSession {
  /** The secret for the cookie; only its hash is stored. */
  id: string;
  idHash: string;
  csrfToken: string;
  expiresAt: string;
}

export async function createSession(ctx: Ctx, userId: string, ttlSeconds = SESSION_TTL_SECONDS): Promise<NewSession> {
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000).toISOString();
  const idHash = hashToken(id);
  await ctx.meta.query(`DELETE FROM sessions WHERE expires_at < now()`);
  await ctx.meta.query(`INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)`, [idHash, userId, csrfToken, expiresAt]);
  return { id, idHash, csrfToken, expiresAt };
}

export type SessionLookup =
  | { state: 'valid'; user: User; idHash: string; csrfToken: string; expiresAt: string }
  | { state: 'expired' }
  | { state: 'unknown' };

/** Finds the session behind a cookie value; expired sessions are deleted on sight. */
export async function lookupSession(ctx: Ctx, id: string): Promise<SessionLookup> {
  const idHash = hashToken(id);
  const [row] = await ctx.meta.query<Record<string, unknown> & { csrf_token: string; expires_at: Date | string; user_id: string }>(
    `SELECT s.csrf_token, s.expires_at, s.user_id, u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1`,
    [idHash],
  );
  if (!row) return { state: 'unknown' };
  if (new Date(row.expires_at).getTime() <= Date.now()) {
    await ctx.meta.query(`DELETE FROM sessions WHERE id_hash = $1`, [idHash]);
    return { state: 'expired' };
  }
  return {
    state: 'valid',
    user: toUser(row as never),
    idHash,
    csrfToken: row.csrf_token,
    expiresAt: new Date(row.expires_at).toISOString(),
  };
}

export async function deleteSession(ctx: Ctx, id: string): Promise<void> {
  await ctx.meta.query(`DELETE FROM sessions WHERE id_hash = $1`, [hashToken(id)]);
}
