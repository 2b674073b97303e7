import { type CompiledQuery, type Fragment, p, sql } from '../../sql/index.js';
import {
  activePersonRows,
  activePersonsDimension,
  bitmapProbe,
  coversWholeHours,
  localMidnights,
  mergedNumbers,
  resolvedCount,
  survivorsOf,
  UNNUMBERED,
} from '../shared/active-persons.js';
import { eventList } from '../shared/source.js';
import { daysBetween, trailingWindowStart } from '../shared/time-zone.js';
import type { SeriesDef } from './schema.js';
import { type AtomEnv, NO_VALUE, type Segment, segmentKeep, TAG_SEPARATOR } from './segment.js';

/** Trailing window in days of the person maths the bitmaps answer (0: the whole period). */
const WINDOW: Partial<Record<SeriesDef['math'], number>> = { unique_persons: 0, dau: 1, wau: 7, mau: 30 };

function windowStart(s: SeriesDef, env: AtomEnv): Date {
  return trailingWindowStart(env, WINDOW[s.math] ?? 0, env.timeZone);
}

/** Where the rows' buckets begin (see `rollupSpans`): none for one count per value, else local days. */
function cuts(s: SeriesDef, env: AtomEnv, segments: readonly (Segment | undefined)[]): Date[] {
  const byDays = (WINDOW[s.math] ?? 0) > 0 || segments.some((g) => g?.byDay);
  return byDays ? localMidnights(windowStart(s, env), env.to, env.timeZone) : [];
}

/**
 * Whether a series is answered from the hourly person bitmaps (see
 * src/analyses/shared/active-persons.ts): distinct persons of an event without filters,
 * split (if at all) by dimensions the table keeps, over whole hours of a whole-hour zone,
 * unless the caller asked for events (`eventsOnly`: a bitmap met a person without a number).
 */
export function activePersonsAnswer(s: SeriesDef, env: AtomEnv): boolean {
  if (env.eventsOnly || WINDOW[s.math] === undefined || s.filters.length || s.paidChannelsOnly) return false;
  const segments = env.segments ?? (env.segment ? [env.segment] : []);
  if (segments.some((g) => g.property && activePersonsDimension(g) === null)) return false;
  // Trailing windows have no daily series: the events path says so (metric_unavailable).
  if ((WINDOW[s.math] ?? 0) > 1 && segments.some((g) => g.byDay)) return false;
  return coversWholeHours(windowStart(s, env), env.to, env.timeZone);
}

/**
 * The probe that tells whether the bitmaps are the cheaper read for this series and split
 * (`bitmapsPayOff(row, parts)`); the evaluator sets `eventsOnly` when they are not.
 */
export function activePersonsProbe(s: SeriesDef, env: AtomEnv): { query: CompiledQuery; parts: number } {
  const segments = env.segments ?? (env.segment ? [env.segment] : []);
  const dimensions = segments.length ? segments.map((g) => (g.property ? activePersonsDimension(g)! : '')) : [''];
  return {
    query: bitmapProbe({
      projectId: env.projectId,
      events: eventList([s.event]),
      dimensions,
      from: windowStart(s, env),
      to: env.to,
      cuts: cuts(s, env, segments),
    }),
    parts: dimensions.length,
  };
}

/**
 * The rows of compile.ts's (or, with `env.segments`, compile-multi.ts's) query for the
 * series — `seg, num, den, x` — plus `unnumbered`, from the bitmaps. Check
 * `activePersonsAnswer` first.
 */
export function activePersonsSeries(s: SeriesDef, env: AtomEnv): Fragment {
  if (!env.segments) return part(s, env, env.segment, '');
  return sql.join(
    env.segments.map((g, i) => sql`(${part(s, env, g, `${i}${TAG_SEPARATOR}`)})`),
    '\nUNION ALL\n',
  );
}

function part(s: SeriesDef, env: AtomEnv, g: Segment | undefined, prefix: string): Fragment {
  const rows = activePersonRows({
    projectId: env.projectId,
    events: eventList([s.event]),
    dimension: g?.property ? activePersonsDimension(g)! : '',
    from: windowStart(s, env),
    to: env.to,
    cuts: cuts(s, env, [g]),
  });
  const tz = p.string(env.timeZone);
  const tag = (day: Fragment) => {
    const value = g?.property ? sql`if(value = '', ${p.string(NO_VALUE)}, value)` : sql`''`;
    const seg = g?.byDay ? sql`concat(toString(${day}), '|', ${value})` : value;
    return prefix ? sql`concat(${p.string(prefix)}, ${seg})` : seg;
  };
  const w = WINDOW[s.math]!;
  // `b` the merged bitmap of a group, `t` its merged members' survivors (see resolvedCount).
  const resolved = resolvedCount(sql`b`, sql`t`);
  if (w === 0) {
    return sql`${mergedNumbers(env.projectId)}
SELECT seg, toFloat64(${resolved.count}) AS num, toFloat64(1) AS den, toFloat64(0) AS x, ${resolved.unnumbered} AS ${sql.trusted(UNNUMBERED)}
FROM (
  SELECT seg, b, ${survivorsOf(sql`b`, env.projectId)} AS t
  FROM (SELECT ${tag(sql`toDate(hour, ${tz})`)} AS seg, groupBitmapMergeState(persons) AS b FROM ${rows} GROUP BY seg)
  WHERE ${segmentKeep(g)}
)`;
  }
  // Average over the period's days of the persons active in the trailing w days: each
  // day's bitmap is placed on the w days whose window holds it, then merged per day.
  const days = Math.max(0, daysBetween(env.fromDate, env.toDate) + 1);
  return sql`${mergedNumbers(env.projectId)}
SELECT seg, toFloat64(sum(${resolved.count})) AS num, toFloat64(${p.uint32(g?.byDay ? 1 : days)}) AS den, toFloat64(0) AS x,
  max(${resolved.unnumbered}) AS ${sql.trusted(UNNUMBERED)}
FROM (
  SELECT seg, d, b, ${survivorsOf(sql`b`, env.projectId)} AS t
  FROM (
    SELECT seg, d, groupBitmapMergeState(persons) AS b
    FROM (
      SELECT ${tag(sql`d`)} AS seg, d, persons
      FROM (
        SELECT toDate(hour, ${tz}) AS day, value, groupBitmapMergeState(persons) AS persons
        FROM ${rows}
        GROUP BY day, value
      )
      ARRAY JOIN arrayMap(k -> addDays(day, k), range(${p.uint32(w)})) AS d
      WHERE d >= ${p.date(env.fromDate)} AND d <= ${p.date(env.toDate)}
    )
    WHERE ${segmentKeep(g)}
    GROUP BY seg, d
  )
)
GROUP BY seg`;
}
