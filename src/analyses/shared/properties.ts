import { z } from 'zod';
import { type Fragment, ident, p, sql } from '../../sql/index.js';
import { EVENT_NUMBER_COLUMNS } from '../../storage/clickhouse/migrations/0008_event_number_columns.js';
import { EVENT_TEXT_COLUMNS } from '../../storage/clickhouse/migrations/0009_event_text_columns.js';

/**
 * Event properties that are materialised as columns of `events` (see the ClickHouse
 * migration 0001). Filtering or grouping on them reads a narrow column instead of
 * parsing JSON. Every other property is read from the JSON with its name as a typed
 * parameter, so a property name never becomes SQL text.
 */
export const MATERIALISED: Record<string, string> = {
  channel: 'channel',
  utm_source: 'channel',
  campaign: 'campaign',
  utm_campaign: 'campaign',
  device_type: 'device_type',
  $os: 'os',
  app_version: 'app_version',
  region: 'region',
};
const COLUMNS = ['channel', 'campaign', 'device_type', 'os', 'app_version', 'region', 'event', 'distinct_id'] as const;

/** Property names: any non-empty text up to 200 characters (they travel as parameters). */
export const propertyName = z.string().min(1, 'a property name is required').max(200, 'property names are at most 200 characters');

export type PropertyScope = 'event' | 'person';

/**
 * The SQL expression for a property's value as a string.
 * `event` and `distinct_id` name the event's own columns.
 *
 * @param personProps the SQL alias of the person-properties JSON column, for person scope
 */
export function propertyString(name: string, scope: PropertyScope = 'event', personProps: Fragment = sql`person_properties`): Fragment {
  if (scope === 'event') {
    if (name === 'event' || name === 'distinct_id') return sql`${ident(name, COLUMNS)}`;
    const column = MATERIALISED[name];
    if (column && (name !== 'utm_source' || column === 'channel')) return sql`${ident(column, COLUMNS)}`;
    return jsonString(sql`properties`, name);
  }
  return jsonString(personProps, name);
}

/** A property as a number (NULL when absent or not numeric). */
export function propertyNumber(name: string, scope: PropertyScope = 'event', personProps: Fragment = sql`person_properties`): Fragment {
  if (scope === 'event' && name === 'revenue') return sql`revenue`;
  const json = scope === 'event' ? sql`properties` : personProps;
  const key = p.string(name);
  // Numbers may arrive as JSON numbers or as numeric strings ("12.5") from spreadsheets.
  return sql`coalesce(JSONExtract(${json}, ${key}, 'Nullable(Float64)'), toFloat64OrNull(JSONExtractString(${json}, ${key})))`;
}

/**
 * A property as a number where every row read is one event (`event`): the event's column
 * when the pair is kept as one (`num_refund_amount`, `num_score`: migration 0008, which
 * says why), else `propertyNumber`. The column holds the same value on that event, NULL
 * on every other, hence "every row read": a source filtered on `event` alone.
 */
export function eventPropertyNumber(event: string, name: string): Fragment {
  return keptColumn(EVENT_NUMBER_COLUMNS, event, name) ?? propertyNumber(name);
}

/** `propertyString` where every row read is one event: its column when kept as one (`txt_comment`: migration 0009), else the JSON. */
export function eventPropertyString(event: string, name: string): Fragment {
  return keptColumn(EVENT_TEXT_COLUMNS, event, name) ?? propertyString(name);
}

/** The column a migration keeps for one event's property, if any (the migration's list is the allow-list). */
function keptColumn(kept: readonly { column: string; event: string; property: string }[], event: string, name: string): Fragment | undefined {
  const c = kept.find((k) => k.event === event && k.property === name);
  return c && sql`${ident(c.column, kept.map((k) => k.column))}`;
}

/** Whether a property is present. */
export function propertyIsSet(name: string, scope: PropertyScope = 'event', personProps: Fragment = sql`person_properties`): Fragment {
  if (scope === 'event') {
    const column = MATERIALISED[name];
    if (column) return sql`${ident(column, COLUMNS)} != ''`;
    if (name === 'event' || name === 'distinct_id') return sql`1`;
    return sql`JSONHas(properties, ${p.string(name)})`;
  }
  return sql`JSONHas(${personProps}, ${p.string(name)})`;
}

/**
 * The JSON value as text: strings unquoted, numbers and booleans as written (`5`, `12.5`,
 * `true`), anything else (missing, null, objects) as ''. Branching on JSONType matters:
 * JSONExtractString already returns a number's text on current ClickHouse, so
 * concatenating it with the raw value would read 5 as "55".
 */
function jsonString(json: Fragment, name: string): Fragment {
  const key = p.string(name);
  return sql`multiIf(JSONType(${json}, ${key}) = 'String', JSONExtractString(${json}, ${key}), JSONType(${json}, ${key}) IN ('Int64', 'UInt64', 'Double', 'Bool'), JSONExtractRaw(${json}, ${key}), '')`;
}
