import type { Analysis, AnalysisContext } from '../shared/context.js';
import { describeRange } from '../shared/definition.js';
import { resolveRange } from '../shared/date-range.js';
import { compileFunnel, compilePersons, compileTimeToConvert, compileTopValues, compileTrend } from './compile.js';
import { type FunnelSpec, funnelSpecSchema } from './schema.js';
import { type FunnelResult, type FunnelRow, shapeSteps, shapeTimeToConvert, shapeTrend } from './shape.js';

export { funnelSpecSchema, type FunnelSpec } from './schema.js';
export type { FunnelResult } from './shape.js';

/**
 * Funnels: how many persons went through the steps in order within the window.
 *
 * @example await funnel.run({ kind: 'funnel', dateRange: 'last_30_days', steps: [{ event: 'ad_click' }, { event: 'signup' }] }, ctx, engine)
 */
export const funnel: Analysis<FunnelSpec, FunnelResult> = {
  kind: 'funnel',
  schema: funnelSpecSchema as never,
  async run(spec, ctx: AnalysisContext, engine) {
    const range = resolveRange(spec.dateRange, ctx);
    const opts = ctx.signal ? { signal: ctx.signal } : {};
    let top: string[] | undefined;
    if (spec.breakdown) {
      top = (await engine.query<{ value: string }>(compileTopValues(spec, ctx, range), opts)).map((r) => r.value);
    }
    const all = await engine.query<FunnelRow & { total?: number | boolean }>(compileFunnel(spec, ctx, range, top), opts);
    const rows = all.filter((r) => !r.total);
    let overall: FunnelRow | undefined;
    if (!spec.breakdown) overall = rows[0];
    else if (all.some((r) => r.total)) overall = all.find((r) => r.total);
    else overall = (await engine.query<FunnelRow>(compileFunnel({ ...spec, breakdown: undefined }, ctx, range), opts))[0];

    const result: FunnelResult = {
      steps: shapeSteps(spec, overall),
      definition: {
        unit: 'persons',
        timeZone: ctx.timeZone,
        range: describeRange(range),
        formula: 'count(k) = persons whose best attempt reached step k; conversionFromPrevious = count(k) / count(k−1); dropOff = count(k−1) − count(k)',
        notes: [
          `order: ${spec.order}; window: ${spec.window.value} ${spec.window.unit} from each person's step-0 time (inclusive)`,
          ...(spec.breakdown ? [`breakdown attribution: ${spec.breakdown.attribution}`] : []),
        ],
      },
    };
    if (spec.breakdown) result.breakdown = rows.map((r) => ({ value: r.value, steps: shapeSteps(spec, r) }));
    if (spec.timeToConvert) result.timeToConvert = shapeTimeToConvert(spec, await engine.query(compileTimeToConvert(spec, ctx, range, top), opts));
    if (spec.trend) result.trend = shapeTrend(await engine.query(compileTrend(spec, ctx, range), opts));
    if (spec.persons) {
      const ps = await engine.query<{ person_id: string; total: number }>(compilePersons(spec, ctx, range), opts);
      result.persons = { step: spec.persons.step, status: spec.persons.status, total: Number(ps[0]?.total ?? 0), personIds: ps.map((r) => r.person_id) };
    }
    return result;
  },
};
