import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { FupanError } from '../../core/errors/index.js';
import { newId } from '../../core/ids.js';
import { ROLES, type Role } from '../../core/roles.js';
import { parseInput } from '../../core/validation.js';
import type { AppContext } from '../context.js';
import { grantRole } from './members.js';
import { hashToken } from './sessions.js';

type Ctx = Pick<AppContext, 'meta'>;

export const invitationInput = z
  .object({
    role: z.enum(ROLES, { error: `expected one of ${ROLES.join(', ')}` }),
    email: z.string().trim().toLowerCase().pipe(z.email()).optional(),
    days: z.number().int().min(1).max(30).default(7),
  })
  .strict();

export interface Invitation {
  id: string;
  projectId: string;
  role: Role;
  email: string | null;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
}

interface InvitationRow {
  id: string;
  project_id: string;
  role: Role;
  email: string | null;
  created_at: Date | string;
  expires_at: Date | string;
  accepted_at: Date | string | null;
  revoked_at: Date | string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function toInvitation(r: InvitationRow): Invitation {
  return {
    id: r.id,
    projectId: r.project_id,
    role: r.role,
    email: r.email,
    createdAt: iso(r.created_at)!,
    expiresAt: iso(r.expires_at)!,
    acceptedAt: iso(r.accepted_at),
  };
}

/** Creates an invitation; the token is returned once (the link to share) and stored hashed. */
export async function createInvitation(ctx: Ctx, projectId: string, invitedBy: string | null, input: unknown): Promise<Invitation & { token: string }> {
  const data = parseInput(invitationInput, input);
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + data.days * 86_400_000).toISOString();
  const [row] = await ctx.meta.query<InvitationRow>(
    `INSERT INTO invitations (id, token_hash, project_id, email, role, invited_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [newId('inv'), hashToken(token), projectId, data.email ?? null, data.role, invitedBy, expiresAt],
  );
  return { ...toInvitation(row!), token };
}

export async function listInvitations(ctx: Ctx, projectId: string): Promise<Invitation[]> {
  const rows = await ctx.meta.query<InvitationRow>(
    `SELECT * FROM invitations WHERE project_id = $1 AND revoked_at IS NULL AND accepted_at IS NULL AND expires_at > now() ORDER BY created_at DESC`,
    [projectId],
  );
  return rows.map(toInvitation);
}

export async function revokeInvitation(ctx: Ctx, projectId: string, id: string): Promise<void> {
  const rows = await ctx.meta.query(`UPDATE invitations SET revoked_at = now() WHERE project_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id`, [projectId, id]);
  if (!rows.length) throw new FupanError('not_found', { what: 'invitation', id });
}

/** What the accept page shows: the project's name and the role offered. */
export async function describeInvitation(ctx: Ctx, token: string): Promise<{ projectId: string; projectName: string; role: Role; email: string | null; expiresAt: string }> {
  const row = await usable(ctx, token);
  const [project] = await ctx.meta.query<{ name: string }>(`SELECT name FROM projects WHERE id = $1`, [row.project_id]);
  return { projectId: row.project_id, projectName: project?.name ?? row.project_id, role: row.role, email: row.email, expiresAt: iso(row.expires_at)! };
}

async function usable(ctx: Ctx, token: string): Promise<InvitationRow> {
  const [row] = await ctx.meta.query<InvitationRow>(`SELECT * FROM invitations WHERE token_hash = $1`, [hashToken(token)]);
  if (!row || row.revoked_at) throw new FupanError('invitation_invalid', { reason: 'unknown or revoked' });
  if (row.accepted_at) throw new FupanError('invitation_invalid', { reason: 'already used' });
  if (new Date(row.expires_at).getTime() <= Date.now()) throw new FupanError('invitation_invalid', { reason: 'expired' });
  return row;
}

/** Accepts an invitation for a signed-in user: they get the role (or keep a higher one). Single use. */
export async function acceptInvitation(ctx: Ctx, token: string, userId: string, userEmail: string): Promise<{ projectId: string; role: Role }> {
  const row = await usable(ctx, token);
  if (row.email && row.email !== userEmail) throw new FupanError('invitation_invalid', { reason: `it was sent to ${row.email}` });
  await ctx.meta.transaction(async (tx) => {
    const used = await tx.query(`UPDATE invitations SET accepted_at = now(), accepted_by = $2 WHERE id = $1 AND accepted_at IS NULL RETURNING id`, [row.id, userId]);
    if (!used.length) throw new FupanError('invitation_invalid', { reason: 'already used' });
    await grantRole(tx, row.project_id, userId, row.role);
  });
  return { projectId: row.project_id, role: row.role };
}
