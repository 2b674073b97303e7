import { insertEvents, mergePersons, uuidOf, type FixtureEvent } from '../fixtures/analyses/events.js';
import type { AnalysisContext } from '../../src/analyses/shared/context.js';
import type { Engine } from '../../src/storage/engine.js';

/** An analysis context for fixtures: a fixed "now" so relative ranges are reproducible. */
export function fixtureContext(projectId: string, o: Partial<AnalysisContext> = {}): AnalysisContext {
  return { projectId, timeZone: 'Asia/Shanghai', weekStart: 'monday', currency: 'CNY', now: new Date('2025-07-08T04:00:00Z'), ...o };
}

/** Loads a blueprint: events, identity merges and person properties. */
export async function loadBlueprint(
  engine: Engine,
  projectId: string,
  events: readonly FixtureEvent[],
  merges: readonly [string, string][] = [],
  persons: Record<string, Record<string, unknown>> = {},
): Promise<void> {
  await insertEvents(engine, projectId, events);
  for (const [from, into] of merges) await mergePersons(engine, projectId, from, into);
  const rows = Object.entries(persons).map(([label, props]) => ({
    project_id: projectId,
    id: uuidOf(label),
    properties: JSON.stringify(props),
    created_at: '2025-01-01 00:00:00.000',
    version: 1,
  }));
  if (rows.length) await engine.insert('persons', rows);
}
