import { z } from 'zod';
import { dateRangeSchema } from '../shared/date-range.js';
import { filtersSchema } from '../shared/filters.js';

/** `{ kind: 'lifecycle', dateRange, event, filters?, interval? }` — see docs/analyses.md#lifecycle. */
export const lifecycleSchema = z
  .object({
    kind: z.literal('lifecycle'),
    dateRange: dateRangeSchema,
    event: z.string().min(1, 'an event name is required').max(200),
    filters: filtersSchema,
    interval: z.enum(['day', 'week', 'month'], { error: 'expected day, week or month' }).default('day'),
  })
  .strict();
export type LifecycleSpec = z.infer<typeof lifecycleSchema>;

export const STATUSES = ['new', 'returning', 'resurrecting', 'dormant'] as const;
export type LifecycleStatus = (typeof STATUSES)[number];
