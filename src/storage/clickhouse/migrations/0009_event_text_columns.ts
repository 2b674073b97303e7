import type { ChMigration } from '../migrate.js';

/**
 * `comment` of `survey_response` kept as a column of `events` (`txt_comment`, '' on every
 * other event): the NPS analysis and the report read a period's comments for their themes.
 *
 * Why: as with migration 0008's numbers, the JSON of a few events decompresses the whole
 * `properties` column of each granule holding one. On the 100 M demo a quarter's 20,000
 * newest comments took 0.20 s through the JSON and 0.08 s through the column (median of
 * seven alternating runs; the same comments).
 *
 * The expression is `propertyString`'s JSON form (src/analyses/shared/properties.ts): a
 * JSON string as is, a number or boolean as written, anything else ''. Parts written
 * before this migration compute it from the JSON when read until `MATERIALIZE COLUMN` has
 * rewritten them in the background.
 */
const text = (property: string) =>
  `multiIf(JSONType(properties, '${property}') = 'String', JSONExtractString(properties, '${property}'), JSONType(properties, '${property}') IN ('Int64', 'UInt64', 'Double', 'Bool'), JSONExtractRaw(properties, '${property}'), '')`;

export const EVENT_TEXT_COLUMNS = [{ column: 'txt_comment', event: 'survey_response', property: 'comment' }] as const;

export const migration: ChMigration = {
  version: 9,
  name: 'event_text_columns',
  statements: [
    ...EVENT_TEXT_COLUMNS.map(
      (c) => `ALTER TABLE events ADD COLUMN IF NOT EXISTS ${c.column} String MATERIALIZED if(event = '${c.event}', ${text(c.property)}, '') CODEC(ZSTD(1))`,
    ),
    ...EVENT_TEXT_COLUMNS.map((c) => `ALTER TABLE events MATERIALIZE COLUMN ${c.column}`),
  ],
};
