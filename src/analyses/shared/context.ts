import type { Engine } from '../../storage/engine.js';

/** What every analysis knows about the project it runs for. */
export interface AnalysisContext {
  projectId: string;
  timeZone: string;
  weekStart: 'monday' | 'sunday';
  currency: string;
  /** "Now", injectable so relative ranges are testable. */
  now: Date;
  /** Cancels long queries (the HTTP request closed, the user pressed cancel). */
  signal?: AbortSignal;
}

/**
 * One analysis: its spec schema and how to run it. `run` composes the folder's pure
 * `compile` (spec → { sql, params }) and `shape` (rows → result) steps; it may run more
 * than one query (top-N breakdown values, comparison periods).
 */
export interface Analysis<Spec = unknown, Result = unknown> {
  kind: string;
  schema: import('zod').ZodType<Spec>;
  run(spec: Spec, ctx: AnalysisContext, engine: Engine): Promise<Result>;
}
