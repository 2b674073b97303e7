import { compile, type CompiledQuery, type Fragment, p, sql } from '../../sql/index.js';
import { breakdownValue, capToTop } from '../shared/breakdown.js';
import type { AnalysisContext } from '../shared/context.js';
import { compileFilters } from '../shared/filters.js';
import { eventsWithPersons } from '../shared/persons.js';
import type { RetentionPeriod, RetentionSpec } from './schema.js';

type Ctx = Pick<AnalysisContext, 'projectId' | 'timeZone' | 'weekStart'>;

/** The cohort periods and the instants the query reads. */
export interface RetentionWindow {
  /** First day of the first cohort period (local date). */
  base: string;
  /** Number of cohort periods. */
  cohorts: number;
  /** Cohort starts are read in [cohortFrom, cohortTo); returns in [cohortFrom, returnTo). */
  cohortFrom: Date;
  cohortTo: Date;
  returnTo: Date;
}

const num = (k: number) => sql.trusted(String(k));

/** The first day of the period of an instant, as a Date in the project's time zone. */
export function periodStart(period: RetentionPeriod, ts: Fragment, ctx: Ctx): Fragment {
  const tz = p.string(ctx.timeZone);
  if (period === 'day') return sql`toDate(${ts}, ${tz})`;
  if (period === 'month') return sql`toStartOfMonth(${ts}, ${tz})`;
  return sql`toStartOfWeek(${ts}, ${num(ctx.weekStart === 'sunday' ? 0 : 1)}, ${tz})`;
}

/** Index of the period of an instant, counted from the first cohort period (0 = first). */
function periodIndex(period: RetentionPeriod, ts: Fragment, base: string, ctx: Ctx): Fragment {
  const d = periodStart(period, ts, ctx);
  const b = p.date(base);
  if (period === 'day') return sql`toInt32(dateDiff('day', ${b}, ${d}))`;
  if (period === 'week') return sql`toInt32(intDiv(dateDiff('day', ${b}, ${d}), 7))`;
  return sql`toInt32(dateDiff('month', ${b}, ${d}))`;
}

/**
 * The top breakdown values by start events in the range (the rest become "Other").
 */
export function compileTopValues(spec: RetentionSpec, ctx: Ctx, w: RetentionWindow): CompiledQuery {
  const b = spec.breakdown!;
  const source = eventsWithPersons({
    projectId: ctx.projectId,
    range: { from: w.cohortFrom, to: w.cohortTo },
    events: [spec.startEvent.event],
    withPersonProperties: b.type === 'person' || usesPersonFilters(spec),
  });
  return compile(sql`SELECT ${breakdownValue(b)} AS value, count() AS n FROM ${source}
    WHERE ${compileFilters(spec.startEvent.filters)}
    GROUP BY value ORDER BY n DESC, value LIMIT ${num(b.limit)}`);
}

function usesPersonFilters(spec: RetentionSpec): boolean {
  return [...spec.startEvent.filters, ...spec.returnEvent.filters].some((f) => f.type === 'person');
}

/**
 * Cohort sizes and returns: one row per (cohort index, breakdown value) with `size` and
 * `returned[k]` for k = 1 … intervals−1 (interval 0 is the size by definition).
 *
 * Cohorts (`starts`, one row per person, cohort and value):
 * - recurring: every period in the range in which the person did the start event;
 * - first_time: the period of the person's first start event that matches the filters,
 *   over all history (a person whose first match was before the range is in no cohort);
 * - first_ever: the period of the person's very first start event, kept only when that
 *   event matches the filters.
 * Returns (`rets`): the distinct periods in which the person did the return event, with its
 * breakdown value; with a breakdown a return counts only when it carries the cohort's
 * value. Classic counts a return in period c + k; unbounded counts the person at every
 * k ≤ their last return period − c (returned in period c + k or later).
 */
export function compileRetention(spec: RetentionSpec, ctx: Ctx, w: RetentionWindow, top?: readonly string[]): CompiledQuery {
  const withPersons = spec.breakdown?.type === 'person' || usesPersonFilters(spec);
  let val: Fragment = sql`''`;
  if (spec.breakdown) val = top ? capToTop(breakdownValue(spec.breakdown), top) : breakdownValue(spec.breakdown);
  const idx = periodIndex(spec.period, sql`timestamp`, w.base, ctx);
  const startMatch = compileFilters(spec.startEvent.filters);

  let starts: Fragment;
  if (spec.type === 'recurring') {
    const src = eventsWithPersons({ projectId: ctx.projectId, range: { from: w.cohortFrom, to: w.cohortTo }, events: [spec.startEvent.event], withPersonProperties: withPersons });
    starts = sql`SELECT DISTINCT person_id, ${idx} AS c, ${val} AS bv FROM ${src} WHERE ${startMatch}`;
  } else {
    // All history up to the range's end: "first" means first ever, not first in the range.
    const src = eventsWithPersons({ projectId: ctx.projectId, range: { from: new Date(0), to: w.cohortTo }, events: [spec.startEvent.event], withPersonProperties: withPersons });
    const first =
      spec.type === 'first_time'
        ? sql`SELECT person_id, min(ev.timestamp) AS first_at, argMin(${val}, ev.timestamp) AS bv FROM ${src} AS ev WHERE ${startMatch} GROUP BY person_id`
        : sql`SELECT person_id, min(ev.timestamp) AS first_at, argMin(${val}, ev.timestamp) AS bv, argMin(${startMatch}, ev.timestamp) AS ok FROM ${src} AS ev GROUP BY person_id HAVING ok`;
    const firstIdx = periodIndex(spec.period, sql`first_at`, w.base, ctx);
    starts = sql`SELECT person_id, ${firstIdx} AS c, bv FROM (${first}) WHERE first_at >= ${p.dateTime(w.cohortFrom)}`;
  }
  const retSrc = eventsWithPersons({ projectId: ctx.projectId, range: { from: w.cohortFrom, to: w.returnTo }, events: [spec.returnEvent.event], withPersonProperties: withPersons });
  const rets = sql`SELECT person_id, ${spec.breakdown ? sql`${val}` : sql`''`} AS bv, groupUniqArray(${idx}) AS ps
    FROM ${retSrc} WHERE ${compileFilters(spec.returnEvent.filters)} GROUP BY person_id, bv`;

  const k = sql`range(1, ${num(spec.intervals)})`;
  const returned =
    spec.mode === 'classic'
      ? sql`sumForEach(arrayMap(k -> toUInt64(has(r.ps, s.c + k)), ${k}))`
      : sql`sumForEach(arrayMap(k -> toUInt64(arrayMax(arrayPushBack(r.ps, -1)) >= s.c + k), ${k}))`;
  return compile(sql`
    SELECT s.c AS cohort, s.bv AS value, count() AS size, ${returned} AS returned
    FROM (${starts}) AS s
    LEFT JOIN (${rets}) AS r ON r.person_id = s.person_id AND r.bv = s.bv
    GROUP BY cohort, value ORDER BY value, cohort`);
}
