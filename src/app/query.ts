import { FupanError } from '../core/errors/index.js';
import { parseInput } from '../core/validation.js';
import { ANALYSES, analysisKinds } from '../analyses/registry.js';
import type { AnalysisContext } from '../analyses/shared/context.js';
import { ANALYSIS_SETTINGS } from '../analyses/shared/limits.js';
import type { Engine, QueryOptions } from '../storage/engine.js';
import type { AppContext } from './context.js';
import { getProject } from './projects.js';

export interface RunQueryOptions {
  signal?: AbortSignal;
  now?: Date;
}

/** The analysis context of a project. */
export async function analysisContext(ctx: Pick<AppContext, 'meta'>, projectId: string, options: RunQueryOptions = {}): Promise<AnalysisContext> {
  const project = await getProject(ctx, projectId);
  return {
    projectId: project.id,
    timeZone: project.timeZone,
    weekStart: project.weekStart,
    currency: project.currency,
    now: options.now ?? new Date(),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/**
 * An engine view that applies the analysis guards (execution time) and the caller's
 * cancel signal to every query an analysis runs.
 */
export function guardedEngine(engine: Engine, signal?: AbortSignal): Engine {
  const merge = (o: QueryOptions = {}): QueryOptions => ({
    ...o,
    settings: { ...ANALYSIS_SETTINGS, ...o.settings },
    ...(signal ? { signal } : {}),
  });
  return {
    kind: engine.kind,
    query: (q, o) => engine.query(q, merge(o)),
    command: (q, o) => engine.command(q, merge(o)),
    insert: (t, r, o) => engine.insert(t, r, o),
    close: () => engine.close(),
  };
}

/**
 * Runs one analysis spec for a project: `{ kind, … }` → the analysis's result with
 * `kind` added. Unknown kinds and invalid specs are `invalid_input` naming the field.
 *
 * @example await runQuery(ctx, 'demo', { kind: 'trends', dateRange: 'last_7_days', series: [{ event: '$pageview', math: 'total' }] })
 */
export async function runQuery(ctx: AppContext, projectId: string, spec: unknown, options: RunQueryOptions = {}): Promise<Record<string, unknown>> {
  const kind = (spec as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !(kind in ANALYSES)) {
    throw new FupanError('invalid_input', { path: 'kind', problem: `expected one of ${analysisKinds().join(', ') || '(none registered)'}` });
  }
  const analysis = ANALYSES[kind]!;
  const parsed = parseInput(analysis.schema, spec);
  const actx = await analysisContext(ctx, projectId, options);
  const result = (await analysis.run(parsed, actx, guardedEngine(ctx.engine, options.signal))) as Record<string, unknown>;
  return { kind, ...result };
}
