import type { ChMigration } from '../migrate.js';

/**
 * The numbers the built-in catalogue reads from two documented events, kept as columns of
 * `events`: `num_refund_amount` (`refund_amount` of `order_refunded`: GMV net of refunds,
 * the channel table's revenue) and `num_score` (`score` of `survey_response`: NPS).
 *
 * Why: those events are few, but a property read from the JSON decompresses the whole
 * `properties` column of every granule that holds one of them (8,192 rows of JSON each,
 * ~17× its compressed size). On the 100 M demo a month's refunds took 0.08 s through the
 * JSON and 0.02 s through a column, a quarter's refunds by four dimensions 0.17 → 0.06 s,
 * NPS by four dimensions 0.20 → 0.07 s; a quarterly report reads eight such queries.
 *
 * Each column holds the value only on its event (NULL elsewhere), so an insert parses no
 * JSON for other events; the analyses use it only where every row read is that event
 * (`propertyNumber(…, { event })` in src/analyses/shared/properties.ts). The expression is
 * that function's JSON form: a JSON number, or a numeric string ("12.5") as spreadsheets
 * export it, else NULL.
 *
 * Parts written before this migration compute the column from the JSON when read (the
 * same values, the old speed) until `MATERIALIZE COLUMN` has rewritten them: a mutation
 * the engine runs in the background, reading each part's `event` and `properties` once.
 */
const number = (property: string) =>
  `coalesce(JSONExtract(properties, '${property}', 'Nullable(Float64)'), toFloat64OrNull(JSONExtractString(properties, '${property}')))`;

export const EVENT_NUMBER_COLUMNS = [
  { column: 'num_refund_amount', event: 'order_refunded', property: 'refund_amount' },
  { column: 'num_score', event: 'survey_response', property: 'score' },
] as const;

export const migration: ChMigration = {
  version: 8,
  name: 'event_number_columns',
  statements: [
    ...EVENT_NUMBER_COLUMNS.map(
      (c) => `ALTER TABLE events ADD COLUMN IF NOT EXISTS ${c.column} Nullable(Float64) MATERIALIZED if(event = '${c.event}', ${number(c.property)}, NULL)`,
    ),
    ...EVENT_NUMBER_COLUMNS.map((c) => `ALTER TABLE events MATERIALIZE COLUMN ${c.column}`),
  ],
};
