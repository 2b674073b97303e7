import { z } from 'zod';
import { type Fragment, p, sql } from '../../sql/index.js';
import { LIMITS } from './limits.js';
import { propertyName, propertyString } from './properties.js';

/** The label for values outside the top N. */
export const OTHER = '$other';
/** The label for events without the property. */
export const NONE = '$none';

/** `{ property, type?: 'event' | 'person', limit? }` — top `limit` values (default 10, at most 100), the rest as "Other". */
export const breakdownSchema = z
  .object({
    property: propertyName,
    type: z.enum(['event', 'person']).default('event'),
    limit: z.number().int().min(1).max(LIMITS.maxBreakdownValues, `at most ${LIMITS.maxBreakdownValues} breakdown values`).default(10),
  })
  .strict();
export type Breakdown = z.infer<typeof breakdownSchema>;

/** The breakdown value of an event (NONE when the property is empty or missing). */
export function breakdownValue(b: Breakdown, personProps?: Fragment): Fragment {
  const v = propertyString(b.property, b.type, personProps);
  return sql`if(${v} = '', ${p.string(NONE)}, ${v})`;
}

/**
 * Maps a breakdown value to itself when it is among `top`, else to OTHER. `top` is found
 * by a first query (the most frequent values over the same range and filters), so the
 * main query's result stays bounded whatever the property's cardinality.
 */
export function capToTop(value: Fragment, top: readonly string[]): Fragment {
  return sql`if(${value} IN ${p.strings(top)}, ${value}, ${p.string(OTHER)})`;
}
