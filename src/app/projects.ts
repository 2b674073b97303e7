import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { FupanError } from '../core/errors/index.js';
import { newId, PROJECT_ID_PATTERN } from '../core/ids.js';
import { parseInput } from '../core/validation.js';
import type { MetaQueryable } from '../storage/metadata/store.js';
import type { AppContext } from './context.js';

const TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone').concat(['UTC']));

/** A project's settings; `timeZone` is an IANA name from the runtime's list. */
export const projectInput = z
  .object({
    id: z.string().regex(PROJECT_ID_PATTERN, 'expected 2–40 lowercase letters, digits, _ or -, starting with a letter').optional(),
    name: z.string().trim().min(1, 'a project needs a name').max(200),
    timeZone: z
      .string()
      .refine((tz) => TIME_ZONES.has(tz), { message: 'expected an IANA time zone such as Asia/Shanghai or UTC' })
      .default('UTC'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as CNY or USD')
      .default('CNY'),
    weekStart: z.enum(['monday', 'sunday'], { error: 'expected monday or sunday' }).default('monday'),
  })
  .strict();
export type ProjectInput = z.input<typeof projectInput>;

export const projectPatch = projectInput.omit({ id: true }).partial().strict();

export interface Project {
  id: string;
  name: string;
  timeZone: string;
  currency: string;
  weekStart: 'monday' | 'sunday';
  createdAt: string;
}

interface ProjectRow {
  id: string;
  name: string;
  time_zone: string;
  currency: string;
  week_start: 'monday' | 'sunday';
  created_at: Date | string;
}

function toProject(r: ProjectRow): Project {
  return {
    id: r.id,
    name: r.name,
    timeZone: r.time_zone,
    currency: r.currency,
    weekStart: r.week_start,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export type KeyKind = 'ingest' | 'read';

/** A new key: the secret is returned once and only its hash is kept. */
export interface IssuedKey {
  id: string;
  kind: KeyKind;
  key: string;
  prefix: string;
}

const KEY_PREFIX: Record<KeyKind, string> = { ingest: 'phc_', read: 'fpr_' };

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Issues an API key for a project inside the caller's transaction. */
export async function issueKey(db: MetaQueryable, projectId: string, kind: KeyKind, label = '', userId?: string): Promise<IssuedKey> {
  // Ingest keys use PostHog's `phc_` prefix so SDKs that check the shape accept them.
  const key = KEY_PREFIX[kind] + randomBytes(24).toString('base64url');
  const id = newId('key');
  const prefix = key.slice(0, 10);
  await db.query(
    `INSERT INTO api_keys (id, project_id, kind, label, key_hash, key_prefix, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, projectId, kind, label, hashKey(key), prefix, userId ?? null],
  );
  return { id, kind, key, prefix };
}

/**
 * Creates a project and its first ingest key, in one transaction.
 *
 * @example const { project, ingestKey } = await createProject(ctx, { name: 'Shop', timeZone: 'Asia/Shanghai' })
 */
export async function createProject(ctx: Pick<AppContext, 'meta'>, input: ProjectInput): Promise<{ project: Project; ingestKey: string }> {
  const data = parseInput(projectInput, input);
  const id = data.id ?? newId('p');
  return ctx.meta.transaction(async (tx) => {
    const existing = await tx.query(`SELECT 1 FROM projects WHERE id = $1`, [id]);
    if (existing.length) throw new FupanError('conflict', { problem: `a project with id ${id} already exists` });
    const [row] = await tx.query<ProjectRow>(
      `INSERT INTO projects (id, name, time_zone, currency, week_start) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [id, data.name, data.timeZone, data.currency, data.weekStart],
    );
    const key = await issueKey(tx, id, 'ingest', 'default');
    return { project: toProject(row!), ingestKey: key.key };
  });
}

export async function listProjects(ctx: Pick<AppContext, 'meta'>): Promise<Project[]> {
  return (await ctx.meta.query<ProjectRow>(`SELECT * FROM projects ORDER BY created_at, id`)).map(toProject);
}

export async function getProject(ctx: Pick<AppContext, 'meta'>, id: string): Promise<Project> {
  const [row] = await ctx.meta.query<ProjectRow>(`SELECT * FROM projects WHERE id = $1`, [id]);
  if (!row) throw new FupanError('not_found', { what: 'project', id });
  return toProject(row);
}

export async function updateProject(ctx: Pick<AppContext, 'meta'>, id: string, patch: z.input<typeof projectPatch>): Promise<Project> {
  const data = parseInput(projectPatch, patch);
  await getProject(ctx, id);
  const [row] = await ctx.meta.query<ProjectRow>(
    `UPDATE projects SET name = COALESCE($2, name), time_zone = COALESCE($3, time_zone), currency = COALESCE($4, currency),
       week_start = COALESCE($5, week_start) WHERE id = $1 RETURNING *`,
    [id, data.name ?? null, data.timeZone ?? null, data.currency ?? null, data.weekStart ?? null],
  );
  return toProject(row!);
}

/** Finds the live key with this secret, or undefined. */
export async function findKey(
  ctx: Pick<AppContext, 'meta'>,
  key: string,
): Promise<{ id: string; projectId: string; kind: KeyKind; userId: string | null } | undefined> {
  const [row] = await ctx.meta.query<{ id: string; project_id: string; kind: KeyKind; user_id: string | null }>(
    `SELECT id, project_id, kind, user_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
    [hashKey(key)],
  );
  return row ? { id: row.id, projectId: row.project_id, kind: row.kind, userId: row.user_id } : undefined;
}
