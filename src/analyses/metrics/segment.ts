import { type Fragment, p, sql } from '../../sql/index.js';
import type { Filter } from '../shared/filters.js';
import { compileFilters, usesPersonProperties } from '../shared/filters.js';
import { eventsWithPersons } from '../shared/persons.js';
import { propertyString } from '../shared/properties.js';
import type { CalendarDate } from '../shared/time-zone.js';

/** The label of events without the dimension's property. */
export const NO_VALUE = '$none';

/** A dimension to group by, optionally restricted to one value. */
export interface Segment {
  /** The dimension's property; '' with `byDay` for the day alone. */
  property: string;
  type: 'event' | 'person';
  value?: string;
  /** Also group by local day: segment values become `YYYY-MM-DD|value` (daily series for anomalies). */
  byDay?: boolean;
}

/** What every compiled metric query needs. */
export interface AtomEnv {
  projectId: string;
  timeZone: string;
  /** UTC instants [from, to): the period clipped to complete days. */
  from: Date;
  to: Date;
  fromDate: CalendarDate;
  /** Last complete day counted (inclusive). */
  toDate: CalendarDate;
  /** Last complete day of data at all (for retention cohorts that need later days). */
  asOfDate: CalendarDate;
  segment?: Segment;
  /**
   * Several dimensions in one query (instead of `segment`, see compile-multi.ts): the
   * events are read and per-person states computed once for all of them (see
   * MetricEvaluator.prefetch). All share one `byDay`; none keeps a single value.
   */
  segments?: Segment[];
  /** Funnels always through `windowFunnel`, never the two-step join (to compare the two in tests). */
  windowFunnelOnly?: boolean;
  /**
   * Distinct persons from events, not from the hourly person bitmaps (set when a bitmap
   * met a person without a number, see active-persons.ts; and to compare the two in tests).
   */
  eventsOnly?: boolean;
}

/** The segment expression over an events source: the property's value, or '' when not grouping. */
export function segmentExpr(seg: Segment | undefined, timeZone = 'UTC', time: Fragment = sql`timestamp`): Fragment {
  if (!seg) return sql`''`;
  const v = propertyString(seg.property || 'event', seg.type, sql`person_properties`);
  const dim = seg.property ? sql`if(${v} = '', ${p.string(NO_VALUE)}, ${v})` : sql`''`;
  return seg.byDay ? sql`concat(toString(toDate(${time}, ${p.string(timeZone)})), '|', ${dim})` : dim;
}

/** The separator of a multi-segment tag: `<dimension index>:<value>` (the index has no colon). */
export const TAG_SEPARATOR = ':';

/**
 * Several dimensions at once (AtomEnv.segments), step one: the raw values of every
 * dimension as one tuple, cheap to carry through an aggregation (LowCardinality columns,
 * no strings built per event).
 */
export function rawSegments(segments: readonly Segment[]): Fragment {
  return sql`tuple(${sql.join(segments.map((s) => (s.property ? propertyString(s.property, s.type, sql`person_properties`) : sql`''`)))})`;
}

/**
 * Several event dimensions as one `UInt64` key (a hash of their raw values), or undefined
 * when one is a person property (its values are not on the events). An aggregation over
 * millions of groups (person-days of a daily funnel, per-person rows) then keeps 8 bytes
 * per group instead of one string state per dimension, and `segmentKeyValues` turns the
 * few keys left afterwards back into values: the daily funnel over five dimensions on the
 * 100 M-event demo took 34 s instead of 93 s. With a few thousand combinations, the chance
 * that two share a 64-bit hash is below 10⁻¹¹.
 */
export function segmentKey(segments: readonly Segment[]): Fragment | undefined {
  if (segments.some((s) => s.property && s.type !== 'event')) return undefined;
  return hashOf(segments);
}

/**
 * An odd 64-bit multiplier per position (the golden-ratio constant times i + 1), so the
 * same value in two dimensions, or two values swapped between them, give different keys.
 */
const keyMultiplier = (i: number) => String((0x9e3779b97f4a7c15n * BigInt(i + 1)) % 2n ** 64n | 1n);

/**
 * The key as a sum of per-dimension hashes, each times its position's multiplier (mod 2⁶⁴).
 * Why not one hash of the tuple: a hash of a LowCardinality column is computed once per
 * dictionary entry, while a tuple's hash reads every row's strings. On the 100 M-event
 * demo, hashing four dimensions of a quarter's 51 M events took 2.26 s as a tuple and
 * 0.88 s this way; active persons by four dimensions 13.3 → 10.2 s, the daily call rate by
 * five 23.2 → 20.3 s (same rows).
 */
const hashOf = (segments: readonly Segment[]) => {
  const parts = segments.flatMap((s, i) =>
    s.property ? [sql`cityHash64(${propertyString(s.property, s.type, sql`person_properties`)}) * ${sql.trusted(keyMultiplier(i))}`] : [],
  );
  return parts.length ? sql`(${sql.join(parts, ' + ')})` : sql`toUInt64(0)`;
};

/**
 * The values of `segmentKey`'s keys, `(k, rv)` with `rv` as `rawSegments` gives it, over
 * `rows` (anything with the dimensions' columns: events read without persons, or the
 * first-events table); they need only be a superset of the rows the keys came from.
 */
export function segmentKeyValues(segments: readonly Segment[], rows: Fragment): Fragment {
  return sql`(SELECT ${hashOf(segments)} AS k, any(${rawSegments(segments)}) AS rv FROM ${rows} GROUP BY k)`;
}

/**
 * The raw dimension values of the first row (by `timestamp`, among rows where `cond`
 * holds) of a group, as one tuple. One `argMin` per dimension, not one over the tuple:
 * the tuple's state (strings per group) cost 90 s against 18 s on the 100 M-event demo's
 * daily funnel, and one per dimension is exactly what the one-dimension queries compute.
 */
export function firstSegments(segments: readonly Segment[], cond?: Fragment): Fragment {
  return sql`tuple(${sql.join(
    segments.map((s) => {
      if (!s.property) return sql`''`;
      const v = propertyString(s.property, s.type, sql`person_properties`);
      return cond ? sql`argMinIf(${v}, timestamp, ${cond})` : sql`argMin(${v}, timestamp)`;
    }),
  )})`;
}

/**
 * Step two, after the aggregation has made the rows few: the tuple (and the local day,
 * for daily series) as an array of `i:value` tags, one per dimension, for `ARRAY JOIN`
 * (`indexed: false`: the bare values, as `segmentExpr` gives them for one segment).
 */
export function segmentTags(segments: readonly Segment[], raw: Fragment, day?: Fragment, o: { indexed?: boolean } = {}): Fragment {
  return sql`[${sql.join(
    segments.map((s, i) => {
      const v = sql`tupleElement(${raw}, ${sql.trusted(String(i + 1))})`;
      const dim = s.property ? sql`if(${v} = '', ${p.string(NO_VALUE)}, ${v})` : sql`''`;
      const value = s.byDay && day ? sql`concat(toString(${day}), '|', ${dim})` : dim;
      return o.indexed === false ? value : sql`concat(${p.string(`${i}${TAG_SEPARATOR}`)}, ${value})`;
    }),
  )}]`;
}

/** `WHERE`-able condition keeping one segment value (or `1`). */
export function segmentKeep(seg: Segment | undefined, column: Fragment = sql`seg`): Fragment {
  return seg?.value !== undefined ? sql`${column} = ${p.string(seg.value)}` : sql`1`;
}

/** Condition for an event name (`$any` = every event). */
export function eventIs(event: string): Fragment {
  return event === '$any' ? sql`1` : sql`event = ${p.string(event)}`;
}

/**
 * The events of the project in [from, to) with persons resolved, restricted to `events`
 * (unless one is `$any`) and to event filters; person filters and person-property
 * segments join the persons table. `unresolved`: `person_id` is the person written at
 * ingest, for a caller that groups by it and then resolves with `resolveGroupedPersons`
 * (ignored — persons resolved per row — when person properties are read). `withoutPersons`:
 * the caller reads no person (event counts, sums, NPS answers), so the identity join is
 * skipped and `person_id` left out (again unless person properties are read).
 */
export function source(
  env: AtomEnv,
  o: { from: Date; to: Date; events: string[]; filters?: Filter[]; extraWhere?: Fragment; unresolved?: boolean; withoutPersons?: boolean },
): Fragment {
  const eventFilters = (o.filters ?? []).filter((f) => f.type !== 'person');
  const personFilters = (o.filters ?? []).filter((f) => f.type === 'person');
  const where: Fragment[] = [];
  if (eventFilters.length) where.push(compileFilters(eventFilters));
  if (o.extraWhere) where.push(o.extraWhere);
  const needPersons = usesPersonProperties(o.filters) || env.segment?.type === 'person' || !!env.segments?.some((s) => s.type === 'person');
  return eventsWithPersons({
    projectId: env.projectId,
    range: { from: o.from, to: o.to },
    ...(o.events.includes('$any') ? {} : { events: [...new Set(o.events)] }),
    ...(where.length ? { eventWhere: sql.join(where, ' AND ') } : {}),
    ...(personFilters.length ? { personWhere: compileFilters(personFilters) } : {}),
    ...(needPersons ? { withPersonProperties: true } : {}),
    ...(o.unresolved ? { unresolvedPersons: true } : {}),
    ...(o.withoutPersons ? { withoutPersons: true } : {}),
  });
}

/** Channels that had ad spend in the period: "paid" attribution for CPA, CAC and ROAS. */
export function paidChannels(env: AtomEnv): Fragment {
  return sql`channel IN (SELECT DISTINCT channel FROM ad_spend FINAL WHERE project_id = ${p.string(env.projectId)} AND date >= ${p.date(env.fromDate)} AND date <= ${p.date(env.toDate)} AND cost > 0)`;
}
