import { z } from 'zod';
import { breakdownSchema } from '../shared/breakdown.js';
import { dateRangeSchema } from '../shared/date-range.js';
import { filtersSchema } from '../shared/filters.js';
import { LIMITS } from '../shared/limits.js';

const eventSpec = z.object({ event: z.string().min(1, 'an event name is required').max(200), filters: filtersSchema }).strict();

/**
 * The retention spec (public contract, see docs/analyses.md#retention). `intervals` = how
 * many periods each cohort row has, interval 0 (the cohort's own period) included.
 */
export const retentionSpecSchema = z
  .object({
    kind: z.literal('retention'),
    dateRange: dateRangeSchema,
    startEvent: eventSpec,
    returnEvent: eventSpec,
    period: z.enum(['day', 'week', 'month']).default('week'),
    intervals: z
      .number()
      .int()
      .min(1)
      .max(LIMITS.maxRetentionIntervals, `at most ${LIMITS.maxRetentionIntervals} intervals`)
      .default(8),
    type: z.enum(['recurring', 'first_time', 'first_ever']).default('first_time'),
    mode: z.enum(['classic', 'unbounded']).default('classic'),
    breakdown: breakdownSchema.optional(),
  })
  .strict();

export type RetentionSpec = z.infer<typeof retentionSpecSchema>;
export type RetentionPeriod = RetentionSpec['period'];
