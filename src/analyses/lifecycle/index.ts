import type { Analysis } from '../shared/context.js';
import { bucketStartDate, listBuckets, nextBucketDate } from '../shared/buckets.js';
import { resolveRange } from '../shared/date-range.js';
import { describeRange, type ResultDefinition } from '../shared/definition.js';
import { addDays, addMonths } from '../shared/time-zone.js';
import { compileLifecycle } from './compile.js';
import { type LifecycleSpec, lifecycleSchema } from './schema.js';
import { type LifecyclePeriod, type LifecycleRow, shapeLifecycle } from './shape.js';

export { lifecycleSchema, type LifecycleSpec } from './schema.js';

export interface LifecycleResult {
  interval: LifecycleSpec['interval'];
  periods: LifecyclePeriod[];
  definition: ResultDefinition;
}

/** Lifecycle: see docs/analyses.md#lifecycle. */
export const lifecycle: Analysis<LifecycleSpec, LifecycleResult> = {
  kind: 'lifecycle',
  schema: lifecycleSchema,
  async run(spec, ctx, engine) {
    const range = resolveRange(spec.dateRange, ctx);
    const buckets = listBuckets(range, spec.interval, ctx);
    const first = bucketStartDate(spec.interval, range.fromDate, ctx.weekStart);
    const before = spec.interval === 'day' ? addDays(first, -1) : spec.interval === 'week' ? addDays(first, -7) : addMonths(first, -1);
    const last = buckets[buckets.length - 1]!.key;
    const rows = await engine.query<LifecycleRow>(
      compileLifecycle(spec, ctx, { before, first, last, to: range.to }),
      ctx.signal ? { signal: ctx.signal } : {},
    );
    const lastEnd = nextBucketDate(spec.interval, last);
    return {
      interval: spec.interval,
      periods: shapeLifecycle(buckets.map((b) => b.key), rows),
      definition: {
        unit: `persons doing ${spec.event}`,
        timeZone: ctx.timeZone,
        range: describeRange(range),
        formula: 'new: first-ever matching event in the period; returning: active in the period and the one before; resurrecting: active, not in the one before, seen earlier; dormant: active in the one before, not in this one',
        notes: [
          `periods are whole ${spec.interval}s in ${ctx.timeZone}${spec.interval === 'week' ? ` starting ${ctx.weekStart}` : ''}, from ${first}; the first period looks back to ${before}`,
          `"new" means the person's first-ever ${spec.event} matching the filters, not the person's creation time (PostHog uses person creation)`,
          ...(addDays(lastEnd, -1) > range.toDate ? [`the last period is partial (ends ${range.toDate}): persons not yet active in it count as dormant`] : []),
        ],
      },
    };
  },
};
