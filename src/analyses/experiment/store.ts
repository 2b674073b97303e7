import { FupanError } from '../../core/errors/index.js';
import { describeIssues } from '../../core/validation.js';
import type { MetaQueryable } from '../../storage/metadata/store.js';
import { type ExperimentDefinition, experimentDefinitionSchema, type ExperimentStatus } from './schema.js';

/** A stored experiment: its definition plus bookkeeping. */
export interface StoredExperiment {
  definition: ExperimentDefinition;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  key: string;
  body: unknown;
  created_by: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

/** Parses a definition or throws `experiment_invalid` naming the field. */
export function parseExperiment(value: unknown): ExperimentDefinition {
  const r = experimentDefinitionSchema.safeParse(value);
  if (r.success) return r.data;
  const first = describeIssues(r.error)[0]!;
  const key = (value as { key?: unknown } | null)?.key;
  throw new FupanError('experiment_invalid', { key: typeof key === 'string' ? key : '?', path: first.path, problem: first.problem });
}

function toStored(r: Row): StoredExperiment {
  return {
    definition: parseExperiment(typeof r.body === 'string' ? JSON.parse(r.body) : r.body),
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export async function listExperiments(db: MetaQueryable, projectId: string, status?: ExperimentStatus): Promise<StoredExperiment[]> {
  const rows = await db.query<Row>(
    `SELECT key, body, created_by, created_at, updated_at FROM experiments
     WHERE project_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at DESC, key`,
    [projectId, status ?? null],
  );
  return rows.map(toStored);
}

export async function getExperiment(db: MetaQueryable, projectId: string, key: string): Promise<StoredExperiment> {
  const [row] = await db.query<Row>(`SELECT key, body, created_by, created_at, updated_at FROM experiments WHERE project_id = $1 AND key = $2`, [projectId, key]);
  if (!row) throw new FupanError('not_found', { what: 'experiment', id: key });
  return toStored(row);
}

/** Creates an experiment; `experiment_exists` when the key is taken (unless `replace`). */
export async function insertExperiment(db: MetaQueryable, projectId: string, value: unknown, createdBy: string | null, replace = false): Promise<StoredExperiment> {
  const def = parseExperiment(value);
  const conflict = replace ? `ON CONFLICT (project_id, key) DO UPDATE SET body = EXCLUDED.body, status = EXCLUDED.status, updated_at = now()` : `ON CONFLICT (project_id, key) DO NOTHING`;
  const [row] = await db.query<Row>(
    `INSERT INTO experiments (project_id, key, status, body, created_by) VALUES ($1, $2, $3, $4, $5) ${conflict}
     RETURNING key, body, created_by, created_at, updated_at`,
    [projectId, def.key, def.status, JSON.stringify(def), createdBy],
  );
  if (!row) throw new FupanError('experiment_exists', { key: def.key, projectId });
  return toStored(row);
}

/** Replaces fields of a stored definition (a shallow merge, validated whole); the key cannot change. */
export async function updateExperiment(db: MetaQueryable, projectId: string, key: string, patch: Record<string, unknown>): Promise<StoredExperiment> {
  const current = await getExperiment(db, projectId, key);
  if (patch.key !== undefined && patch.key !== key) {
    throw new FupanError('experiment_invalid', { key, path: 'key', problem: 'the key of an experiment cannot change' });
  }
  const def = parseExperiment({ ...current.definition, ...patch, key });
  const [row] = await db.query<Row>(
    `UPDATE experiments SET body = $3, status = $4, updated_at = now() WHERE project_id = $1 AND key = $2
     RETURNING key, body, created_by, created_at, updated_at`,
    [projectId, key, JSON.stringify(def), def.status],
  );
  if (!row) throw new FupanError('not_found', { what: 'experiment', id: key });
  return toStored(row);
}

export async function deleteExperiment(db: MetaQueryable, projectId: string, key: string): Promise<void> {
  const rows = await db.query(`DELETE FROM experiments WHERE project_id = $1 AND key = $2 RETURNING key`, [projectId, key]);
  if (!rows.length) throw new FupanError('not_found', { what: 'experiment', id: key });
}
