import { z } from 'zod';
import { EVENTS } from '../../core/events.js';
import { compareSchema } from '../shared/comparison.js';
import { dateRangeSchema } from '../shared/date-range.js';

/**
 * `{ kind: 'channels', dateRange, groupBy?, interval?, conversionEvent?, grossMargin?,
 * compare? }` — see docs/analyses.md#channel-performance.
 */
export const channelsSchema = z
  .object({
    kind: z.literal('channels'),
    dateRange: dateRangeSchema,
    groupBy: z.enum(['channel', 'campaign'], { error: 'expected channel or campaign' }).default('channel'),
    interval: z.enum(['total', 'day', 'week'], { error: 'expected total, day or week' }).default('total'),
    conversionEvent: z.string().min(1).max(200).default(EVENTS.signUp),
    /** Share of revenue kept as gross profit, for ROI's return; 1 (revenue itself) when not given. */
    grossMargin: z.number().gt(0).max(1).optional(),
    compare: compareSchema,
  })
  .strict();
export type ChannelsSpec = z.infer<typeof channelsSchema>;
