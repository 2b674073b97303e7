import { z } from 'zod';
import { dateRangeSchema } from '../shared/date-range.js';
import { filtersSchema } from '../shared/filters.js';

const eventName = z.string().min(1, 'an event name is required').max(200);

/** The paths spec (public contract, see docs/analyses.md#paths). */
export const pathsSpecSchema = z
  .object({
    kind: z.literal('paths'),
    dateRange: dateRangeSchema,
    /** The anchor event (and filters on it): paths start (or end) at a person's first one in the range. */
    event: eventName,
    filters: filtersSchema,
    direction: z.enum(['after', 'before']).default('after'),
    /** How many events after (before) the anchor. */
    steps: z.number().int().min(1).max(10, 'at most 10 steps').default(5),
    /** Only these events count as path steps (default: every event). */
    events: z.array(eventName).max(100).optional(),
    /** These events are skipped (noise such as heartbeats). */
    exclude: z.array(eventName).max(100).default([]),
    /** Events farther than this from the anchor are not part of the path. */
    window: z.object({ value: z.number().int().min(1).max(30 * 24), unit: z.enum(['minute', 'hour']) }).strict().default({ value: 24, unit: 'hour' }),
    /** Most distinct events kept per step (the rest become "$other"). */
    nodesPerStep: z.number().int().min(1).max(50).default(10),
  })
  .strict();
export type PathsSpec = z.infer<typeof pathsSpecSchema>;
