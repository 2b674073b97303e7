import { z } from 'zod';
import { FupanError } from '../core/errors/index.js';
import { newId } from '../core/ids.js';
import { parseInput } from '../core/validation.js';
import { metricKey } from '../analyses/metrics/schema.js';
import { loadDictionary } from '../analyses/metrics/store.js';
import { parsePeriod } from '../analyses/shared/period.js';
import type { MetaQueryable } from '../storage/metadata/store.js';

/** A goal: metric, period (2025-W28 | 2025-07 | 2025-Q3 | from..to), baseline (null = previous period's value), target, owner. */
export const goalInput = z
  .object({
    metric: metricKey,
    period: z.string().min(1).max(40),
    baseline: z.number().finite().nullable().default(null),
    target: z.number().finite(),
    owner: z.string().max(200).default(''),
    title: z.string().max(500).default(''),
    dimension: z.object({ property: z.string().min(1).max(200), value: z.string().max(1000), type: z.enum(['event', 'person']).default('event') }).strict().optional(),
  })
  .strict();
export type GoalInput = z.input<typeof goalInput>;
export const goalPatch = goalInput.partial().strict();

export interface Goal {
  id: string;
  projectId: string;
  metric: string;
  period: string;
  fromDate: string;
  toDate: string;
  baseline: number | null;
  target: number;
  owner: string;
  title: string;
  dimension?: { property: string; value: string; type: 'event' | 'person' };
  createdAt: string;
}

interface Row {
  id: string;
  project_id: string;
  metric_key: string;
  period: string;
  period_from: string | Date;
  period_to: string | Date;
  baseline: number | null;
  target: number;
  owner: string;
  title: string;
  dimension: unknown;
  created_at: string | Date;
}

const day = (d: string | Date) => (typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

function toGoal(r: Row): Goal {
  const dim = typeof r.dimension === 'string' ? JSON.parse(r.dimension) : r.dimension;
  return {
    id: r.id,
    projectId: r.project_id,
    metric: r.metric_key,
    period: r.period,
    fromDate: day(r.period_from),
    toDate: day(r.period_to),
    baseline: r.baseline === null ? null : Number(r.baseline),
    target: Number(r.target),
    owner: r.owner,
    title: r.title,
    ...(dim ? { dimension: dim } : {}),
    createdAt: new Date(r.created_at).toISOString(),
  };
}

async function checkMetric(db: MetaQueryable, projectId: string, key: string): Promise<void> {
  const dict = await loadDictionary(db, projectId);
  if (!dict.has(key)) throw new FupanError('invalid_input', { path: 'metric', problem: `unknown metric ${key}; see \`fupan metrics list\`` });
}

export async function addGoal(db: MetaQueryable, projectId: string, input: unknown): Promise<Goal> {
  const g = parseInput(goalInput, input);
  const period = parsePeriod(g.period);
  await checkMetric(db, projectId, g.metric);
  const rows = await db.query<Row>(
    `INSERT INTO goals (id, project_id, metric_key, period, period_from, period_to, baseline, target, owner, title, dimension)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
    [newId('goal'), projectId, g.metric, period.label, period.fromDate, period.toDate, g.baseline, g.target, g.owner, g.title, g.dimension ? JSON.stringify(g.dimension) : null],
  );
  return toGoal(rows[0]!);
}

/** Goals of a project; with `period`, those whose period overlaps it. */
export async function listGoals(db: MetaQueryable, projectId: string, options: { period?: string } = {}): Promise<Goal[]> {
  if (options.period) {
    const p = parsePeriod(options.period);
    const rows = await db.query<Row>(
      `SELECT * FROM goals WHERE project_id = $1 AND period_from <= $3 AND period_to >= $2 ORDER BY period_from, metric_key, id`,
      [projectId, p.fromDate, p.toDate],
    );
    return rows.map(toGoal);
  }
  const rows = await db.query<Row>(`SELECT * FROM goals WHERE project_id = $1 ORDER BY period_from, metric_key, id`, [projectId]);
  return rows.map(toGoal);
}

export async function getGoal(db: MetaQueryable, projectId: string, id: string): Promise<Goal> {
  const rows = await db.query<Row>(`SELECT * FROM goals WHERE project_id = $1 AND id = $2`, [projectId, id]);
  if (!rows[0]) throw new FupanError('not_found', { what: 'goal', id });
  return toGoal(rows[0]);
}

export async function updateGoal(db: MetaQueryable, projectId: string, id: string, patch: unknown): Promise<Goal> {
  const current = await getGoal(db, projectId, id);
  const p = parseInput(goalPatch, patch);
  const merged = parseInput(goalInput, {
    metric: current.metric,
    period: current.period,
    baseline: current.baseline,
    target: current.target,
    owner: current.owner,
    title: current.title,
    ...(current.dimension ? { dimension: current.dimension } : {}),
    ...p,
  });
  const period = parsePeriod(merged.period);
  await checkMetric(db, projectId, merged.metric);
  const rows = await db.query<Row>(
    `UPDATE goals SET metric_key = $3, period = $4, period_from = $5, period_to = $6, baseline = $7, target = $8, owner = $9, title = $10, dimension = $11, updated_at = now()
     WHERE project_id = $1 AND id = $2 RETURNING *`,
    [projectId, id, merged.metric, period.label, period.fromDate, period.toDate, merged.baseline, merged.target, merged.owner, merged.title, merged.dimension ? JSON.stringify(merged.dimension) : null],
  );
  return toGoal(rows[0]!);
}

export async function deleteGoal(db: MetaQueryable, projectId: string, id: string): Promise<void> {
  const rows = await db.query(`DELETE FROM goals WHERE project_id = $1 AND id = $2 RETURNING id`, [projectId, id]);
  if (!rows.length) throw new FupanError('not_found', { what: 'goal', id });
}
