import { z } from 'zod';
import { FupanError } from '../../core/errors/index.js';
import { ROLES, type Role } from '../../core/roles.js';
import { parseInput } from '../../core/validation.js';
import type { MetaQueryable } from '../../storage/metadata/store.js';
import type { AppContext } from '../context.js';

type Ctx = Pick<AppContext, 'meta'>;

export const roleInput = z.object({ role: z.enum(ROLES, { error: `expected one of ${ROLES.join(', ')}` }) }).strict();

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  since: string;
}

export async function listMembers(ctx: Ctx, projectId: string): Promise<Member[]> {
  const rows = await ctx.meta.query<{ user_id: string; email: string; name: string; role: Role; created_at: Date | string }>(
    `SELECT m.user_id, u.email, u.name, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.project_id = $1 ORDER BY m.created_at, u.email`,
    [projectId],
  );
  return rows.map((r) => ({ userId: r.user_id, email: r.email, name: r.name, role: r.role, since: new Date(r.created_at).toISOString() }));
}

/** Adds a member, or raises their role (never lowers it: accepting a viewer invitation keeps an editor an editor). */
export async function grantRole(db: MetaQueryable, projectId: string, userId: string, role: Role): Promise<void> {
  await db.query(
    `INSERT INTO memberships (project_id, user_id, role) VALUES ($1, $2, $3)
     ON CONFLICT (project_id, user_id) DO UPDATE SET role = CASE
       WHEN array_position(ARRAY['viewer','editor','owner'], EXCLUDED.role) > array_position(ARRAY['viewer','editor','owner'], memberships.role)
       THEN EXCLUDED.role ELSE memberships.role END`,
    [projectId, userId, role],
  );
}

async function ownersLeft(db: MetaQueryable, projectId: string, exceptUserId: string): Promise<number> {
  const [row] = await db.query<{ n: number | string }>(
    `SELECT count(*) AS n FROM memberships WHERE project_id = $1 AND role = 'owner' AND user_id <> $2`,
    [projectId, exceptUserId],
  );
  return Number(row?.n ?? 0);
}

async function currentRole(db: MetaQueryable, projectId: string, userId: string): Promise<Role> {
  const [row] = await db.query<{ role: Role }>(`SELECT role FROM memberships WHERE project_id = $1 AND user_id = $2`, [projectId, userId]);
  if (!row) throw new FupanError('not_found', { what: 'member', id: userId });
  return row.role;
}

/** Changes a member's role; the last owner cannot be demoted. */
export async function setRole(ctx: Ctx, projectId: string, userId: string, input: unknown): Promise<Member> {
  const { role } = parseInput(roleInput, input);
  await ctx.meta.transaction(async (tx) => {
    const before = await currentRole(tx, projectId, userId);
    if (before === 'owner' && role !== 'owner' && (await ownersLeft(tx, projectId, userId)) === 0) throw new FupanError('last_owner');
    await tx.query(`UPDATE memberships SET role = $3 WHERE project_id = $1 AND user_id = $2`, [projectId, userId, role]);
  });
  const member = (await listMembers(ctx, projectId)).find((m) => m.userId === userId);
  return member!;
}

/** Removes a member and revokes their personal read keys on the project; the last owner stays. */
export async function removeMember(ctx: Ctx, projectId: string, userId: string): Promise<void> {
  await ctx.meta.transaction(async (tx) => {
    const before = await currentRole(tx, projectId, userId);
    if (before === 'owner' && (await ownersLeft(tx, projectId, userId)) === 0) throw new FupanError('last_owner');
    await tx.query(`DELETE FROM memberships WHERE project_id = $1 AND user_id = $2`, [projectId, userId]);
    await tx.query(`UPDATE api_keys SET revoked_at = now() WHERE project_id = $1 AND user_id = $2 AND revoked_at IS NULL`, [projectId, userId]);
  });
}
