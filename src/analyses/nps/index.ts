import type { Analysis } from '../shared/context.js';
import { resolveRange } from '../shared/date-range.js';
import { describeRange, type ResultDefinition } from '../shared/definition.js';
import { compileNpsComments, compileNpsScores } from './compile.js';
import { npsSchema, type NpsSpec } from './schema.js';
import { type NpsResult, shapeNps } from './shape.js';
import { extractThemes } from './themes.js';

export { npsSchema, type NpsSpec } from './schema.js';
export type { NpsResult } from './shape.js';

export const nps: Analysis<NpsSpec, NpsResult & { definition: ResultDefinition }> = {
  kind: 'nps',
  schema: npsSchema,
  async run(spec, ctx, engine) {
    const range = resolveRange(spec.dateRange, ctx);
    const opts = ctx.signal ? { signal: ctx.signal } : {};
    const [row] = await engine.query<{ n: number; promoters: number; passives: number; detractors: number }>(compileNpsScores(spec, ctx.projectId, range), opts);
    const comments = spec.themes ? (await engine.query<{ comment: string }>(compileNpsComments(spec, ctx.projectId, range), opts)).map((r) => r.comment) : [];
    return {
      ...shapeNps(row ?? { n: 0, promoters: 0, passives: 0, detractors: 0 }, extractThemes(comments, spec.themes)),
      definition: {
        unit: 'NPS points (−100…100); one answer per person, the latest in the range',
        timeZone: ctx.timeZone,
        range: describeRange(range),
        formula: 'NPS = 100 × (share of 9–10 − share of 0–6); SE = 100 × √((p + d − (p − d)²) / n); 95% CI = NPS ± 1.96 SE',
      },
    };
  },
};
