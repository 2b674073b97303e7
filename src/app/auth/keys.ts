import { z } from 'zod';
import { FupanError } from '../../core/errors/index.js';
import { parseInput } from '../../core/validation.js';
import type { AppContext } from '../context.js';
import { type IssuedKey, issueKey, type KeyKind } from '../projects.js';

type Ctx = Pick<AppContext, 'meta'>;

export const keyInput = z
  .object({ kind: z.enum(['ingest', 'read'], { error: 'expected ingest or read' }), label: z.string().trim().max(100).default('') })
  .strict();

export interface ApiKeyInfo {
  id: string;
  kind: KeyKind;
  label: string;
  prefix: string;
  userId: string | null;
  userEmail: string | null;
  createdAt: string;
  revokedAt: string | null;
}

/**
 * The project's ingest keys and read keys. A viewer sees ingest keys (they are
 * write-only and meant to be pasted into pages) and their own read keys; owners see all.
 */
export async function listKeys(ctx: Ctx, projectId: string, viewer: { userId: string | null; seeAllReadKeys: boolean }): Promise<ApiKeyInfo[]> {
  const rows = await ctx.meta.query<{
    id: string; kind: KeyKind; label: string; key_prefix: string; user_id: string | null; email: string | null;
    created_at: Date | string; revoked_at: Date | string | null;
  }>(
    `SELECT k.id, k.kind, k.label, k.key_prefix, k.user_id, u.email, k.created_at, k.revoked_at
     FROM api_keys k LEFT JOIN users u ON u.id = k.user_id
     WHERE k.project_id = $1 AND (k.kind = 'ingest' OR $3::boolean OR k.user_id = $2)
     ORDER BY k.revoked_at IS NOT NULL, k.created_at DESC`,
    [projectId, viewer.userId ?? '', viewer.seeAllReadKeys],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    label: r.label,
    prefix: r.key_prefix,
    userId: r.user_id,
    userEmail: r.email,
    createdAt: new Date(r.created_at).toISOString(),
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
  }));
}

/** Issues a key: ingest keys belong to the project, read keys to the user who asked. */
export async function createKey(ctx: Ctx, projectId: string, userId: string | null, input: unknown): Promise<IssuedKey & { label: string }> {
  const data = parseInput(keyInput, input);
  const key = await issueKey(ctx.meta, projectId, data.kind, data.label, data.kind === 'read' ? (userId ?? undefined) : undefined);
  return { ...key, label: data.label };
}

export async function getKey(ctx: Ctx, projectId: string, keyId: string): Promise<{ kind: KeyKind; userId: string | null }> {
  const [row] = await ctx.meta.query<{ kind: KeyKind; user_id: string | null }>(`SELECT kind, user_id FROM api_keys WHERE project_id = $1 AND id = $2`, [projectId, keyId]);
  if (!row) throw new FupanError('not_found', { what: 'API key', id: keyId });
  return { kind: row.kind, userId: row.user_id };
}

export async function revokeKey(ctx: Ctx, projectId: string, keyId: string): Promise<void> {
  await ctx.meta.query(`UPDATE api_keys SET revoked_at = now() WHERE project_id = $1 AND id = $2 AND revoked_at IS NULL`, [projectId, keyId]);
}
