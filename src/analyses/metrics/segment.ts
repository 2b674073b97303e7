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
   * Several dimensions in one query (instead of `segment`): every row carries an array of
   * `i:value` tags, one per dimension, fanned out by `ARRAY JOIN` before grouping, so the
   * events are read and per-person states computed once for all of them (see
   * MetricEvaluator.prefetch). All share one `byDay`; none keeps a single value.
   */
  segments?: Segment[];
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
 * The rows' segment column: the one segment's value, or with `env.segments` an array of
 * tags (see AtomEnv.segments) that `fanOut` turns back into one row per dimension.
 */
export function segmentColumn(env: AtomEnv, time: Fragment = sql`timestamp`): Fragment {
  if (!env.segments) return segmentExpr(env.segment, env.timeZone, time);
  return sql`[${sql.join(env.segments.map((s, i) => sql`concat(${p.string(`${i}${TAG_SEPARATOR}`)}, ${segmentExpr(s, env.timeZone, time)})`))}]`;
}

/** `ARRAY JOIN` of the tag array when several dimensions are grouped at once, else nothing. */
export function fanOut(env: AtomEnv, column: Fragment = sql`seg`): Fragment {
  return env.segments ? sql`ARRAY JOIN ${column}` : sql.empty;
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
 * segments join the persons table.
 */
export function source(env: AtomEnv, o: { from: Date; to: Date; events: string[]; filters?: Filter[]; extraWhere?: Fragment }): Fragment {
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
  });
}

/** Channels that had ad spend in the period: "paid" attribution for CPA, CAC and ROAS. */
export function paidChannels(env: AtomEnv): Fragment {
  return sql`channel IN (SELECT DISTINCT channel FROM ad_spend FINAL WHERE project_id = ${p.string(env.projectId)} AND date >= ${p.date(env.fromDate)} AND date <= ${p.date(env.toDate)} AND cost > 0)`;
}
