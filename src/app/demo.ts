import { z } from 'zod';
import { parseInput } from '../core/validation.js';
import { makePlan, type DemoPlan } from '../demo/plan.js';
import { type DemoProgress, eventCounts, generateDemo } from '../demo/runner.js';
import { DEMO_PROJECT, type PlantedFacts, SCALE } from '../demo/story.js';
import type { AppContext } from './context.js';
import { demoExperimentStep } from './demo-experiment.js';
import { demoReportsStep } from './demo-reports.js';
import { createProject, getProject, issueKey, type Project, updateProject } from './projects.js';

/** What `fupan demo` (and tests) may ask for. */
export const demoInput = z
  .object({
    events: z.coerce
      .number({ error: 'expected a number of events' })
      .int('expected a whole number')
      .min(1000, 'expected at least 1000 events')
      .max(2_000_000_000, 'expected at most 2,000,000,000 events')
      .default(SCALE.defaultEvents),
    seed: z.coerce
      .number({ error: 'expected a seed number' })
      .int('expected a whole number')
      .min(0, 'expected 0 to 4294967295')
      .max(2 ** 32 - 1, 'expected 0 to 4294967295')
      .default(SCALE.seed),
    days: z.coerce.number().int('expected a whole number').min(120, 'expected at least 120 days').max(730, 'expected at most 730 days').default(SCALE.days),
    /** The current instant; "today" is its date in Asia/Shanghai. */
    now: z.coerce.date({ error: 'expected a date or an ISO instant' }).optional(),
  })
  .strict();
export type DemoInput = z.input<typeof demoInput>;

/** What a demo step (goals, reports, dashboards…) receives. */
export interface DemoStepContext {
  ctx: AppContext;
  project: Project;
  plan: DemoPlan;
  facts: PlantedFacts;
}

/**
 * A step that runs after the data is written: the place for other areas to add demo
 * content (the reports area: "create goals and a published report"; dashboards…).
 * A step must itself replace whatever an earlier run of the demo created.
 */
export interface DemoStep {
  name: string;
  run(step: DemoStepContext): Promise<void>;
}

/**
 * The steps `runDemo` runs after generating data, in order. Add a step by appending it
 * here (one import and one line), e.g. `{ name: 'goals-and-report', run: seedDemoReports }`.
 */
export const DEMO_STEPS: DemoStep[] = [demoExperimentStep, demoReportsStep];

export interface DemoSummary {
  project: Pick<Project, 'id' | 'name' | 'timeZone' | 'currency' | 'weekStart'>;
  /** A fresh ingest key for the demo project (shown once). */
  ingestKey: string;
  /** Whether an earlier demo project was replaced. */
  replaced: boolean;
  seed: number;
  today: string;
  from: string;
  to: string;
  targetEvents: number;
  events: number;
  persons: number;
  distinctIds: number;
  overrides: number;
  adSpendRows: number;
  eventCounts: Record<string, number>;
  seconds: number;
  eventsPerSecond: number;
  facts: PlantedFacts;
  steps: string[];
}

/**
 * Creates (or replaces) the demo project and fills it with the deterministic story of
 * src/demo/story.ts, then runs the demo steps.
 *
 * @example const summary = await runDemo(ctx, { events: 200_000, now: new Date('2025-07-16T04:00:00Z') })
 */
export async function runDemo(
  ctx: AppContext,
  input: DemoInput = {},
  onProgress?: (p: DemoProgress) => void,
  steps: readonly DemoStep[] = DEMO_STEPS,
): Promise<DemoSummary> {
  const data = parseInput(demoInput, input);
  const plan = makePlan({ events: data.events, seed: data.seed, days: data.days, ...(data.now ? { now: data.now } : {}) });
  const { project, ingestKey, replaced } = await ensureDemoProject(ctx);
  const generated = await generateDemo(ctx.engine, plan, onProgress);
  for (const step of steps) {
    onProgress?.({ phase: 'steps', done: plan.persons, total: plan.persons, events: generated.events, step: step.name });
    await step.run({ ctx, project, plan, facts: plan.facts });
  }
  return {
    project: { id: project.id, name: project.name, timeZone: project.timeZone, currency: project.currency, weekStart: project.weekStart },
    ingestKey,
    replaced,
    seed: plan.seed,
    today: plan.today,
    from: plan.firstDay,
    to: plan.today,
    targetEvents: plan.targetEvents,
    ...generated,
    eventCounts: await eventCounts(ctx.engine, project.id),
    facts: plan.facts,
    steps: steps.map((s) => s.name),
  };
}

/**
 * The demo project with its settings, and a new ingest key. An existing `demo` project
 * keeps its id (so anything else pointing at it stays valid); its earlier demo keys are
 * revoked and its event rows are replaced by the generator.
 */
async function ensureDemoProject(ctx: AppContext): Promise<{ project: Project; ingestKey: string; replaced: boolean }> {
  const settings = {
    name: DEMO_PROJECT.name,
    timeZone: DEMO_PROJECT.timeZone,
    currency: DEMO_PROJECT.currency,
    weekStart: DEMO_PROJECT.weekStart,
  } as const;
  const existing = await getProject(ctx, DEMO_PROJECT.id).catch(() => undefined);
  if (!existing) {
    const { project, ingestKey } = await createProject(ctx, { id: DEMO_PROJECT.id, ...settings });
    return { project, ingestKey, replaced: false };
  }
  const project = await updateProject(ctx, DEMO_PROJECT.id, settings);
  const key = await ctx.meta.transaction(async (tx) => {
    await tx.query(`UPDATE api_keys SET revoked_at = now() WHERE project_id = $1 AND kind = 'ingest' AND revoked_at IS NULL`, [project.id]);
    return issueKey(tx, project.id, 'ingest', 'default');
  });
  return { project, ingestKey: key.key, replaced: true };
}
