import { FupanError } from '../../core/errors/index.js';
import { bucketStartDate, nextBucketDate } from '../shared/buckets.js';
import type { Analysis, AnalysisContext } from '../shared/context.js';
import { resolveRange } from '../shared/date-range.js';
import { describeRange } from '../shared/definition.js';
import { localDate, startOfLocalDay } from '../shared/time-zone.js';
import { compileRetention, compileTopValues, type RetentionWindow } from './compile.js';
import { type RetentionSpec, retentionSpecSchema } from './schema.js';
import { type RetentionResult, type RetentionRow, shapeTable } from './shape.js';

export { retentionSpecSchema, type RetentionSpec } from './schema.js';
export type { RetentionResult } from './shape.js';

/** Most cohort rows in one table. */
export const MAX_COHORTS = 400;

/** The cohort periods of a spec: whole periods overlapping the date range. */
export function retentionWindow(spec: RetentionSpec, ctx: AnalysisContext): RetentionWindow & { starts: string[]; periodDates: string[] } {
  const range = resolveRange(spec.dateRange, ctx);
  const starts: string[] = [];
  for (let d = bucketStartDate(spec.period, range.fromDate, ctx.weekStart); d <= range.toDate; d = nextBucketDate(spec.period, d)) {
    starts.push(d);
    if (starts.length > MAX_COHORTS) {
      throw new FupanError('too_expensive', { problem: `more than ${MAX_COHORTS} cohorts`, hint: 'Use a shorter range or a longer period / 请缩短日期范围或改用更长的周期' });
    }
  }
  // Period start dates from the first cohort to the last interval of the last cohort.
  const periodDates = [...starts];
  for (let i = 1; i <= spec.intervals; i++) periodDates.push(nextBucketDate(spec.period, periodDates[periodDates.length - 1]!));
  return {
    base: starts[0]!,
    cohorts: starts.length,
    starts,
    periodDates,
    cohortFrom: startOfLocalDay(starts[0]!, ctx.timeZone),
    cohortTo: startOfLocalDay(periodDates[starts.length]!, ctx.timeZone),
    // The last period is read to its end.
    returnTo: startOfLocalDay(periodDates[starts.length + spec.intervals - 1]!, ctx.timeZone),
  };
}

/**
 * Retention: of the persons who did the start event in a period, how many did the return
 * event k periods later.
 *
 * @example await retention.run({ kind: 'retention', dateRange: 'last_12_weeks', startEvent: { event: 'signup' }, returnEvent: { event: 'login' }, period: 'week', intervals: 12 }, ctx, engine)
 */
export const retention: Analysis<RetentionSpec, RetentionResult> = {
  kind: 'retention',
  schema: retentionSpecSchema as never,
  async run(spec, ctx: AnalysisContext, engine) {
    const range = resolveRange(spec.dateRange, ctx);
    const w = retentionWindow(spec, ctx);
    const opts = ctx.signal ? { signal: ctx.signal } : {};
    const today = localDate(ctx.now, ctx.timeZone);
    // A cohort has reached interval k once period c + k has begun (the current period counts).
    const reached = (c: number, k: number) => (w.periodDates[c + k] ?? '9999') <= today;

    const overall = await engine.query<RetentionRow>(compileRetention({ ...spec, breakdown: undefined }, ctx, w), opts);
    const result: RetentionResult = {
      ...shapeTable(overall, w.starts, spec.intervals, reached),
      definition: {
        unit: 'persons',
        timeZone: ctx.timeZone,
        range: describeRange(range),
        formula:
          spec.mode === 'classic'
            ? 'values[k] = cohort persons who did the return event in period start + k; values[0] = cohort size'
            : 'values[k] = cohort persons who did the return event in period start + k or later (unbounded); values[0] = cohort size',
        notes: [`type: ${spec.type}; period: ${spec.period} (weeks start on ${ctx.weekStart}); average weighted by cohort size over cohorts that reached the interval`],
      },
    };
    if (spec.breakdown) {
      const top = (await engine.query<{ value: string }>(compileTopValues(spec, ctx, w), opts)).map((r) => r.value);
      const rows = await engine.query<RetentionRow>(compileRetention(spec, ctx, w, top), opts);
      const values = [...new Set(rows.map((r) => r.value))];
      result.breakdown = values.map((value) => ({ value, ...shapeTable(rows.filter((r) => r.value === value), w.starts, spec.intervals, reached) }));
      result.breakdown.sort((a, b) => b.cohorts.reduce((s, c) => s + c.size, 0) - a.cohorts.reduce((s, c) => s + c.size, 0) || a.value.localeCompare(b.value));
    }
    return result;
  },
};
