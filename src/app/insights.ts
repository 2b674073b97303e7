import { z } from 'zod';
import { FupanError } from '../core/errors/index.js';
import { newId } from '../core/ids.js';
import { parseInput } from '../core/validation.js';
import type { AppContext } from './context.js';

type Ctx = Pick<AppContext, 'meta'>;

/** A saved analysis: the spec is stored as given (it is validated again whenever it runs). */
export const insightInput = z
  .object({
    name: z.string().trim().min(1, 'an insight needs a name').max(200),
    spec: z.object({ kind: z.string().min(1).max(40) }).passthrough(),
    pinned: z.boolean().default(true),
  })
  .strict();

export const insightPatch = z.object({ name: z.string().trim().min(1).max(200).optional(), pinned: z.boolean().optional(), position: z.number().int().min(0).max(10_000).optional() }).strict();

export interface Insight {
  id: string;
  name: string;
  spec: { kind: string } & Record<string, unknown>;
  pinned: boolean;
  position: number;
  createdBy: string | null;
  createdAt: string;
}

interface Row {
  id: string;
  name: string;
  spec: Insight['spec'] | string;
  pinned: boolean;
  position: number;
  created_by: string | null;
  created_at: Date | string;
}

const toInsight = (r: Row): Insight => ({
  id: r.id,
  name: r.name,
  spec: typeof r.spec === 'string' ? JSON.parse(r.spec) : r.spec,
  pinned: r.pinned,
  position: r.position,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function listInsights(ctx: Ctx, projectId: string, onlyPinned = false): Promise<Insight[]> {
  const rows = await ctx.meta.query<Row>(
    `SELECT * FROM insights WHERE project_id = $1 AND ($2::boolean = false OR pinned) ORDER BY position, created_at`,
    [projectId, onlyPinned],
  );
  return rows.map(toInsight);
}

export async function createInsight(ctx: Ctx, projectId: string, userId: string | null, input: unknown): Promise<Insight> {
  const data = parseInput(insightInput, input);
  if (JSON.stringify(data.spec).length > 50_000) throw new FupanError('invalid_input', { path: 'spec', problem: 'the spec is larger than 50 kB' });
  const [row] = await ctx.meta.query<Row>(
    `INSERT INTO insights (id, project_id, name, spec, pinned, position, created_by)
     VALUES ($1, $2, $3, $4, $5, (SELECT coalesce(max(position) + 1, 0) FROM insights WHERE project_id = $2), $6) RETURNING *`,
    [newId('ins'), projectId, data.name, JSON.stringify(data.spec), data.pinned, userId],
  );
  return toInsight(row!);
}

export async function updateInsight(ctx: Ctx, projectId: string, id: string, input: unknown): Promise<Insight> {
  const data = parseInput(insightPatch, input);
  const [row] = await ctx.meta.query<Row>(
    `UPDATE insights SET name = COALESCE($3, name), pinned = COALESCE($4, pinned), position = COALESCE($5, position), updated_at = now()
     WHERE project_id = $1 AND id = $2 RETURNING *`,
    [projectId, id, data.name ?? null, data.pinned ?? null, data.position ?? null],
  );
  if (!row) throw new FupanError('not_found', { what: 'insight', id });
  return toInsight(row);
}

export async function deleteInsight(ctx: Ctx, projectId: string, id: string): Promise<void> {
  const rows = await ctx.meta.query(`DELETE FROM insights WHERE project_id = $1 AND id = $2 RETURNING id`, [projectId, id]);
  if (!rows.length) throw new FupanError('not_found', { what: 'insight', id });
}
