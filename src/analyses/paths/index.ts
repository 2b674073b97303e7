import type { Analysis, AnalysisContext } from '../shared/context.js';
import { resolveRange } from '../shared/date-range.js';
import { describeRange } from '../shared/definition.js';
import { compilePaths } from './compile.js';
import { type PathsSpec, pathsSpecSchema } from './schema.js';
import { type PathRow, type PathsResult, shapePaths } from './shape.js';

export { pathsSpecSchema, type PathsSpec } from './schema.js';
export type { PathsResult } from './shape.js';

/**
 * Paths: the most common next (or previous) events around a chosen event, as Sankey nodes
 * and weighted edges with drop-off.
 *
 * @example await paths.run({ kind: 'paths', dateRange: 'last_7_days', event: 'signup', direction: 'after', steps: 4 }, ctx, engine)
 */
export const paths: Analysis<PathsSpec, PathsResult> = {
  kind: 'paths',
  schema: pathsSpecSchema as never,
  async run(spec, ctx: AnalysisContext, engine) {
    const range = resolveRange(spec.dateRange, ctx);
    const rows = await engine.query<PathRow>(compilePaths(spec, ctx, range), ctx.signal ? { signal: ctx.signal } : {});
    return {
      ...shapePaths(rows, spec.nodesPerStep),
      definition: {
        unit: 'persons',
        timeZone: ctx.timeZone,
        range: describeRange(range),
        formula: 'edge persons = persons whose path goes from the source node to the target node; dropOff = persons whose path ends at the node',
        notes: [
          `anchor: each person's first ${spec.event} in the range; ${spec.steps} events ${spec.direction} it within ${spec.window.value} ${spec.window.unit}; consecutive repeats collapse into one step`,
        ],
      },
    };
  },
};
