import { EVENTS } from '../core/events.js';
import { compile, p, sql } from '../sql/index.js';
import type { Engine } from '../storage/engine.js';
import type { DemoPlan } from './plan.js';
import { insertEvents } from './sql/events.js';
import { insertDistinctIds, insertOverrides, insertPersonNumbers, insertPersons } from './sql/identity.js';
import { deleteProjectRows } from './sql/reset.js';
import { insertSpend } from './sql/spend.js';

export type DemoPhase = 'reset' | 'generate' | 'spend' | 'steps' | 'done';

/** Reported after every step; `done` / `total` count persons while generating. */
export interface DemoProgress {
  phase: DemoPhase;
  done: number;
  total: number;
  /** Events written so far. */
  events: number;
  /** During `steps`: the demo step running (see DEMO_STEPS in src/app/demo.ts). */
  step?: string;
}

export interface GenerateResult {
  events: number;
  persons: number;
  distinctIds: number;
  overrides: number;
  adSpendRows: number;
  seconds: number;
  eventsPerSecond: number;
}

/** Insert settings: parallel insert streams, and large blocks so a chunk makes few parts. */
const INSERT_SETTINGS = {
  // the event generator writes the materialised columns itself (see insertEvents)
  insert_allow_materialized_columns: 1,
  max_insert_threads: 2,
  min_insert_block_size_rows: 1_048_576,
  min_insert_block_size_bytes: 268_435_456,
  // every generated uuid is new: skip ReplacingMergeTree's in-block dedup pass
  optimize_on_insert: 0,
} as const;

/**
 * Writes the demo's rows for `plan` into the engine: deletes the project's old rows,
 * then per chunk of persons runs the person-number, event, distinct-id, override and person generators
 * (each one `INSERT … SELECT` computed inside the engine, so memory stays bounded by a
 * chunk), then derives ad spend from the clicks. Deterministic in the plan.
 *
 * @example await generateDemo(engine, makePlan({ events: 200_000, now }), (p) => bar.update(p.done))
 */
export async function generateDemo(
  engine: Engine,
  plan: DemoPlan,
  onProgress: (p: DemoProgress) => void = () => undefined,
): Promise<GenerateResult> {
  const started = performance.now();
  onProgress({ phase: 'reset', done: 0, total: plan.persons, events: 0 });
  for (const q of deleteProjectRows(plan.projectId)) await engine.command(q, { settings: { lightweight_deletes_sync: 2 } });

  let done = 0;
  let events = 0;
  for (const chunk of plan.chunks) {
    await engine.command(compile(insertPersonNumbers(plan, chunk)));
    await engine.command(compile(insertEvents(plan, chunk)), { settings: INSERT_SETTINGS });
    await engine.command(compile(insertDistinctIds(plan, chunk)));
    await engine.command(compile(insertOverrides(plan, chunk)));
    await engine.command(compile(insertPersons(plan, chunk)));
    done += chunk.count;
    events = await countRows(engine, 'events', plan.projectId);
    onProgress({ phase: 'generate', done, total: plan.persons, events });
  }

  onProgress({ phase: 'spend', done, total: plan.persons, events });
  await engine.command(compile(insertSpend(plan)));

  const seconds = (performance.now() - started) / 1000;
  const result: GenerateResult = {
    events,
    persons: await countRows(engine, 'persons', plan.projectId),
    distinctIds: await countRows(engine, 'person_distinct_ids', plan.projectId),
    overrides: await countRows(engine, 'person_overrides', plan.projectId),
    adSpendRows: await countRows(engine, 'ad_spend', plan.projectId),
    seconds: Math.round(seconds * 10) / 10,
    eventsPerSecond: Math.round(events / seconds),
  };
  onProgress({ phase: 'done', done, total: plan.persons, events });
  return result;
}

type Counted = 'events' | 'persons' | 'person_distinct_ids' | 'person_overrides' | 'ad_spend';

async function countRows(engine: Engine, table: Counted, projectId: string): Promise<number> {
  const [row] = await engine.query<{ n: number }>(
    compile(sql`SELECT count() AS n FROM ${sql.trusted(table)} WHERE project_id = ${p.string(projectId)}`),
  );
  return Number(row?.n ?? 0);
}

/** Events per name, for summaries. */
export async function eventCounts(engine: Engine, projectId: string): Promise<Record<string, number>> {
  const rows = await engine.query<{ event: string; n: number }>(
    compile(sql`SELECT event, count() AS n FROM events WHERE project_id = ${p.string(projectId)} GROUP BY event ORDER BY n DESC`),
  );
  const names = new Set<string>(Object.values(EVENTS));
  return Object.fromEntries(rows.filter((r) => names.has(r.event)).map((r) => [r.event, Number(r.n)]));
}
