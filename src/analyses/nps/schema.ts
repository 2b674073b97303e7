import { z } from 'zod';
import { EVENTS, PROPS } from '../../core/events.js';
import { dateRangeSchema } from '../shared/date-range.js';
import { filtersSchema } from '../shared/filters.js';
import { propertyName } from '../shared/properties.js';

/**
 * `{ kind: 'nps', dateRange, event?, survey?, scoreProperty?, commentProperty?, filters?, themes? }`
 * — NPS of survey answers in the range, with its 95% interval and the feedback themes of
 * the comments. Defaults follow the documented names (`survey_response`, `score`, `comment`).
 */
export const npsSchema = z
  .object({
    kind: z.literal('nps'),
    dateRange: dateRangeSchema,
    event: z.string().min(1).max(200).default(EVENTS.surveyResponse),
    /** Value of the `survey` property to keep (default: every survey). */
    survey: z.string().max(200).optional(),
    scoreProperty: propertyName.default(PROPS.score),
    commentProperty: propertyName.default(PROPS.comment),
    filters: filtersSchema,
    /** How many themes to return (0 = none). */
    themes: z.number().int().min(0).max(50).default(8),
  })
  .strict();
export type NpsSpec = z.infer<typeof npsSchema>;
