import { compile, type CompiledQuery, type Fragment, p, Param, sql } from '../../sql/index.js';
import {
  activePersonRows,
  activePersonsDimension,
  coversWholeHours,
  localMidnights,
  mergedNumbers,
  resolvedCount,
  survivorsOf,
  UNNUMBERED,
} from '../shared/active-persons.js';
import { capToTop, NONE } from '../shared/breakdown.js';
import { type Bucket, bucketKey, listBuckets } from '../shared/buckets.js';
import type { AnalysisContext } from '../shared/context.js';
import type { ResolvedRange } from '../shared/date-range.js';
import { eventList } from '../shared/source.js';
import { assertTimeZone, trailingWindowStart } from '../shared/time-zone.js';
import { ACTIVE_WINDOW_DAYS, type TrendMath, type TrendsSpec } from './schema.js';

type Ctx = Pick<AnalysisContext, 'projectId' | 'timeZone' | 'weekStart'>;

/** Maths that count distinct persons, which `active_persons_hourly` answers. */
const PERSON_MATHS: readonly TrendMath[] = ['unique_persons', 'dau', 'wau', 'mau'];

/** What the bitmaps can answer of a trends spec: which series, from which table dimension, from when. */
export interface ActivePersonsPlan {
  dimension: string;
  /** Indexes of the series the bitmaps answer: distinct persons of events without filters. */
  series: number[];
  /** Whether they answer every series (then the breakdown's top values come from the table too). */
  all: boolean;
  /** Start of the widest trailing window of those series. */
  from: Date;
  /** Where the buckets of those series begin (see `rollupSpans`), for the probe. */
  cuts: Date[];
}

/**
 * The series that count distinct persons of events without filters, when the breakdown (if
 * any) is a dimension the table keeps and their range is whole hours of a whole-hour zone;
 * null when there is none (read events). See src/analyses/shared/active-persons.ts.
 */
export function activePersonsPlan(spec: TrendsSpec, ctx: Ctx, range: ResolvedRange): ActivePersonsPlan | null {
  if (spec.filters.length) return null;
  const series = spec.series.flatMap((s, i) => (PERSON_MATHS.includes(s.math) && !s.filters.length ? [i] : []));
  if (!series.length) return null;
  const dimension = activePersonsDimension(spec.breakdown);
  if (dimension === null) return null;
  const widest = Math.max(1, ...series.map((i) => ACTIVE_WINDOW_DAYS[spec.series[i]!.math] ?? 1));
  const from = trailingWindowStart(range, widest, ctx.timeZone);
  if (!coversWholeHours(from, range.to, ctx.timeZone)) return null;
  const buckets = listBuckets(range, spec.interval, ctx);
  const cuts = series.flatMap((i) => seriesCuts(spec.series[i]!.math, ctx, { ...range, from }, buckets));
  return { dimension, series, all: series.length === spec.series.length, from, cuts };
}

/** Where one series' buckets begin: the buckets', or every local day for trailing windows. */
function seriesCuts(math: TrendMath, ctx: Ctx, range: { from: Date; to: Date }, buckets: readonly Bucket[]): Date[] {
  return ACTIVE_WINDOW_DAYS[math] ? localMidnights(range.from, range.to, ctx.timeZone) : buckets.map((b) => b.start);
}

/** The top breakdown values by event count, as `compileTopValues` ranks them, from the table. */
export function compileActiveTopValues(spec: TrendsSpec, ctx: Ctx, range: ResolvedRange, dimension: string): CompiledQuery {
  const rows = activePersonRows({
    projectId: ctx.projectId,
    events: eventList(spec.series.map((s) => s.event)),
    dimension,
    from: range.from,
    to: range.to,
    cuts: [],
  });
  return compile(sql`SELECT if(value = '', ${p.string(NONE)}, value) AS value, sum(events) AS n
FROM ${rows}
GROUP BY value
ORDER BY n DESC, value
LIMIT ${p.uint32(spec.breakdown!.limit)}`);
}

/**
 * The same rows as `compileTrends` (`{ series, bucket, breakdown, value }`), plus
 * `unnumbered` (1 when a count met a person without a number: read events instead).
 */
export function compileActiveTrends(
  spec: TrendsSpec,
  ctx: Ctx,
  range: ResolvedRange,
  buckets: readonly Bucket[],
  top: readonly string[] | null,
  dimension: string,
  only: readonly number[] = spec.series.map((_, i) => i),
): CompiledQuery {
  assertTimeZone(ctx.timeZone);
  const parts = only.map((index) => {
    const s = spec.series[index]!;
    const window = ACTIVE_WINDOW_DAYS[s.math];
    const from = trailingWindowStart(range, window ?? 1, ctx.timeZone);
    const cuts = seriesCuts(s.math, ctx, { from, to: range.to }, buckets);
    const rows = activePersonRows({ projectId: ctx.projectId, events: eventList([s.event]), dimension, from, to: range.to, cuts });
    const raw = sql`if(value = '', ${p.string(NONE)}, value)`;
    const breakdown = dimension === '' ? sql`''` : top ? capToTop(raw, top) : raw;
    const series = sql.trusted(String(index));
    const head = sql`${mergedNumbers(ctx.projectId)}
SELECT toUInt32(${series}) AS series`;
    // `b` the merged bitmap of a group, `t` its merged members' survivors (see resolvedCount).
    const resolved = resolvedCount(sql`b`, sql`t`);
    const counted = sql`toNullable(toFloat64(${resolved.count})) AS value, ${resolved.unnumbered} AS ${sql.trusted(UNNUMBERED)}`;
    if (!window) {
      return sql`${head}, bucket, breakdown, ${counted}
FROM (
  SELECT bucket, breakdown, b, ${survivorsOf(sql`b`, ctx.projectId)} AS t
  FROM (
    SELECT ${bucketKey(spec.interval, sql`hour`, ctx)} AS bucket, ${breakdown} AS breakdown, groupBitmapMergeState(persons) AS b
    FROM ${rows}
    GROUP BY bucket, breakdown
  )
)`;
    }
    return sql`${head}, arrayElement(${p.strings(buckets.map((k) => k.key))}, idx) AS bucket, breakdown, ${counted}
FROM (
  SELECT idx, breakdown, b, ${survivorsOf(sql`b`, ctx.projectId)} AS t
  FROM (
    SELECT idx, breakdown, groupBitmapMergeState(persons) AS b
    FROM (${windowRows(rows, breakdown, buckets, window, ctx.timeZone)})
    GROUP BY idx, breakdown
  )
)`;
  });
  // Each part has its own WITH, so each is wrapped to be a member of the UNION.
  return compile(sql.join(parts.map((x) => sql`(${x})`), '\nUNION ALL\n'));
}

/**
 * `(idx, breakdown, persons)`: each local day's bitmap placed on every bucket whose
 * trailing window holds the day (one bucket per day when windows do not overlap).
 */
function windowRows(rows: Fragment, breakdown: Fragment, buckets: readonly Bucket[], window: number, timeZone: string): Fragment {
  const ends = buckets.map((k) => k.lastDate);
  const endDates = new Param('Array(Date)', ends);
  return sql`SELECT idx, breakdown, persons
  FROM (
    SELECT toDate(hour, ${p.string(timeZone)}) AS day, ${breakdown} AS breakdown, groupBitmapMergeState(persons) AS persons
    FROM ${rows}
    GROUP BY day, breakdown
  )
  ARRAY JOIN arrayFilter(i -> ${endDates}[i] >= day AND ${endDates}[i] < day + ${p.uint32(window)}, arrayEnumerate(${endDates})) AS idx`;
}
