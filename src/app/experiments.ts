import { runExperiment, type ExperimentResults } from '../analyses/experiment/index.js';
import type { ExperimentStatus } from '../analyses/experiment/schema.js';
import * as store from '../analyses/experiment/store.js';
import { FupanError } from '../core/errors/index.js';
import type { AppContext } from './context.js';
import { getProject } from './projects.js';
import { analysisContext, guardedEngine, type RunQueryOptions } from './query.js';

export type { StoredExperiment } from '../analyses/experiment/store.js';
type Ctx = Pick<AppContext, 'meta'>;

const STATUSES = ['draft', 'running', 'stopped', 'shipped', 'archived'];

/** Experiments of a project, newest first; optionally one status. */
export async function listExperiments(ctx: Ctx, projectId: string, status?: string): Promise<store.StoredExperiment[]> {
  await getProject(ctx, projectId);
  if (status !== undefined && !STATUSES.includes(status)) {
    throw new FupanError('invalid_input', { path: 'status', problem: `expected one of ${STATUSES.join(', ')}` });
  }
  return store.listExperiments(ctx.meta, projectId, status as ExperimentStatus | undefined);
}

export async function getExperiment(ctx: Ctx, projectId: string, key: string): Promise<store.StoredExperiment> {
  await getProject(ctx, projectId);
  return store.getExperiment(ctx.meta, projectId, key);
}

/**
 * Creates an experiment from its definition (docs/experiments.md); `experiment_exists`
 * when the key is taken, unless `replace` (the demo re-seeding its own experiment).
 */
export async function createExperiment(ctx: Ctx, projectId: string, userId: string | null, input: unknown, replace = false): Promise<store.StoredExperiment> {
  await getProject(ctx, projectId);
  return store.insertExperiment(ctx.meta, projectId, input, userId, replace);
}

/** Changes fields of a definition (shallow merge, validated whole; the key stays). */
export async function updateExperiment(ctx: Ctx, projectId: string, key: string, patch: unknown): Promise<store.StoredExperiment> {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new FupanError('invalid_input', { path: '(root)', problem: 'expected an object with the fields to change' });
  }
  await getProject(ctx, projectId);
  return store.updateExperiment(ctx.meta, projectId, key, patch as Record<string, unknown>);
}

export async function deleteExperiment(ctx: Ctx, projectId: string, key: string): Promise<void> {
  await getProject(ctx, projectId);
  await store.deleteExperiment(ctx.meta, projectId, key);
}

/**
 * Results of a stored experiment from the project's events: exposures, SRM, each metric's
 * lift / interval / p-value or chance to win per variant, progress and the decision.
 *
 * @example await experimentResults(ctx, 'demo', 'one_click_match')
 */
export async function experimentResults(
  ctx: AppContext,
  projectId: string,
  key: string,
  options: RunQueryOptions = {},
): Promise<ExperimentResults & { status: ExperimentStatus; hypothesis: string }> {
  const { definition } = await store.getExperiment(ctx.meta, projectId, key);
  const actx = await analysisContext(ctx, projectId, options);
  const results = await runExperiment(definition, actx, guardedEngine(ctx.engine, options.signal));
  return { ...results, status: definition.status, hypothesis: definition.hypothesis };
}
