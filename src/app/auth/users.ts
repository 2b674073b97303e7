import { z } from 'zod';
import { FupanError } from '../../core/errors/index.js';
import { newId } from '../../core/ids.js';
import { LANGS, type Lang } from '../../core/lang.js';
import { ROLES, type Role } from '../../core/roles.js';
import { parseInput } from '../../core/validation.js';
import type { MetaQueryable } from '../../storage/metadata/store.js';
import type { AppContext } from '../context.js';
import { DUMMY_HASH, hashPassword, passwordSchema, verifyPassword } from './passwords.js';

type Ctx = Pick<AppContext, 'meta'>;

export interface User {
  id: string;
  email: string;
  name: string;
  lang: Lang | null;
  isAdmin: boolean;
  createdAt: string;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  lang: Lang | null;
  is_admin: boolean;
  created_at: Date | string;
}

export function toUser(r: UserRow): User {
  return { id: r.id, email: r.email, name: r.name, lang: r.lang, isAdmin: r.is_admin, createdAt: new Date(r.created_at).toISOString() };
}

const email = z
  .string({ error: 'expected an email address' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'expected an email address such as lin@example.com' }));

export const newUserInput = z
  .object({
    email,
    password: passwordSchema,
    name: z.string().trim().max(200).default(''),
    lang: z.enum(LANGS).optional(),
  })
  .strict();
export type NewUserInput = z.input<typeof newUserInput>;

export const signInInput = z.object({ email, password: z.string().max(200) }).strict();

export const profilePatch = z
  .object({ name: z.string().trim().max(200).optional(), lang: z.enum(LANGS).nullable().optional() })
  .strict();

export const passwordChange = z.object({ currentPassword: z.string().max(200), newPassword: passwordSchema }).strict();

/** Inserts a user inside the caller's transaction; `email_taken` when the address is in use. */
export async function insertUser(db: MetaQueryable, input: NewUserInput, isAdmin = false): Promise<User> {
  const data = parseInput(newUserInput, input);
  const existing = await db.query(`SELECT 1 FROM users WHERE email = $1`, [data.email]);
  if (existing.length) throw new FupanError('email_taken', { email: data.email });
  const [row] = await db.query<UserRow>(
    `INSERT INTO users (id, email, name, password_hash, lang, is_admin) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [newId('u'), data.email, data.name, await hashPassword(data.password), data.lang ?? null, isAdmin],
  );
  return toUser(row!);
}

export async function countUsers(ctx: Ctx): Promise<number> {
  const [row] = await ctx.meta.query<{ n: number | string }>(`SELECT count(*) AS n FROM users`);
  return Number(row?.n ?? 0);
}

/**
 * Creates the first account: an administrator who owns every existing project (and sees
 * projects created later from the CLI). Refuses with `setup_done` once any user exists.
 */
export async function setupOwner(ctx: Ctx, input: NewUserInput): Promise<User> {
  return ctx.meta.transaction(async (tx) => {
    // Serialises concurrent set-up attempts on a PostgreSQL server (no-op cost on PGlite).
    await tx.query(`SELECT pg_advisory_xact_lock(100)`);
    const [row] = await tx.query<{ n: number | string }>(`SELECT count(*) AS n FROM users`);
    if (Number(row?.n ?? 0) > 0) throw new FupanError('setup_done');
    const user = await insertUser(tx, input, true);
    await tx.query(`INSERT INTO memberships (project_id, user_id, role) SELECT id, $1, 'owner' FROM projects ON CONFLICT DO NOTHING`, [user.id]);
    return user;
  });
}

/** `fupan user create`: the first user becomes the administrator and owner of existing projects. */
export async function createUser(ctx: Ctx, input: NewUserInput): Promise<{ user: User; first: boolean }> {
  if ((await countUsers(ctx)) === 0) {
    try {
      return { user: await setupOwner(ctx, input), first: true };
    } catch (e) {
      if (!(e instanceof FupanError && e.code === 'setup_done')) throw e;
    }
  }
  return { user: await ctx.meta.transaction((tx) => insertUser(tx, input)), first: false };
}

export async function getUser(ctx: Ctx, id: string): Promise<User> {
  const [row] = await ctx.meta.query<UserRow>(`SELECT * FROM users WHERE id = $1`, [id]);
  if (!row) throw new FupanError('not_found', { what: 'user', id });
  return toUser(row);
}

/** Checks email and password; the same error (and about the same time) whether the email exists or not. */
export async function authenticate(ctx: Ctx, input: unknown): Promise<User> {
  const data = parseInput(signInInput, input);
  const [row] = await ctx.meta.query<UserRow>(`SELECT * FROM users WHERE email = $1`, [data.email]);
  const ok = await verifyPassword(data.password, row?.password_hash ?? DUMMY_HASH);
  if (!row || !ok) throw new FupanError('invalid_credentials');
  return toUser(row);
}

export async function updateProfile(ctx: Ctx, userId: string, patch: unknown): Promise<User> {
  const data = parseInput(profilePatch, patch);
  const [row] = await ctx.meta.query<UserRow>(
    `UPDATE users SET name = COALESCE($2, name), lang = CASE WHEN $3::boolean THEN $4 ELSE lang END WHERE id = $1 RETURNING *`,
    [userId, data.name ?? null, data.lang !== undefined, data.lang ?? null],
  );
  if (!row) throw new FupanError('not_found', { what: 'user', id: userId });
  return toUser(row);
}

/** Changes the password after checking the current one; other sessions of the user end. */
export async function changePassword(ctx: Ctx, userId: string, input: unknown, keepSessionHash?: string): Promise<void> {
  const data = parseInput(passwordChange, input);
  const [row] = await ctx.meta.query<UserRow>(`SELECT * FROM users WHERE id = $1`, [userId]);
  if (!row || !(await verifyPassword(data.currentPassword, row.password_hash))) throw new FupanError('invalid_credentials');
  await ctx.meta.transaction(async (tx) => {
    await tx.query(`UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1`, [userId, await hashPassword(data.newPassword)]);
    await tx.query(`DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2`, [userId, keepSessionHash ?? '']);
  });
}

/** The user's role on each project: memberships, and owner everywhere for administrators. */
export async function rolesOf(ctx: Ctx, user: Pick<User, 'id' | 'isAdmin'>): Promise<Record<string, Role>> {
  const roles: Record<string, Role> = {};
  if (user.isAdmin) {
    for (const p of await ctx.meta.query<{ id: string }>(`SELECT id FROM projects`)) roles[p.id] = 'owner';
    return roles;
  }
  const rows = await ctx.meta.query<{ project_id: string; role: Role }>(`SELECT project_id, role FROM memberships WHERE user_id = $1`, [user.id]);
  for (const r of rows) if ((ROLES as readonly string[]).includes(r.role)) roles[r.project_id] = r.role;
  return roles;
}
