import { compile, type CompiledQuery, type Fragment, p, Param, sql } from '../../sql/index.js';
import { breakdownValue, capToTop } from '../shared/breakdown.js';
import { type Bucket, bucketKey } from '../shared/buckets.js';
import type { AnalysisContext } from '../shared/context.js';
import type { ResolvedRange } from '../shared/date-range.js';
import type { Filter } from '../shared/filters.js';
import { propertyNumber } from '../shared/properties.js';
import { eventList, filteredEvents } from '../shared/source.js';
import { addDays, assertTimeZone, startOfLocalDay } from '../shared/time-zone.js';
import { ACTIVE_WINDOW_DAYS, type TrendMath, type TrendSeries, type TrendsSpec } from './schema.js';

type Ctx = Pick<AnalysisContext, 'projectId' | 'timeZone' | 'weekStart'>;

const QUANTILES: Partial<Record<TrendMath, string>> = { median: '0.5', p90: '0.9', p95: '0.95', p99: '0.99' };

/**
 * The most frequent breakdown values over the range (events of every series, the spec's
 * global filters applied), so the main query returns at most `limit` values + Other.
 */
export function compileTopValues(spec: TrendsSpec, ctx: Ctx, range: ResolvedRange): CompiledQuery | null {
  const b = spec.breakdown;
  if (!b) return null;
  const src = filteredEvents({
    projectId: ctx.projectId,
    range,
    ...optionalEvents(spec.series.map((s) => s.event)),
    filters: spec.filters,
    withPersonProperties: b.type === 'person',
  });
  return compile(sql`SELECT ${breakdownValue(b)} AS value, count() AS n
FROM ${src}
GROUP BY value
ORDER BY n DESC, value
LIMIT ${p.uint32(b.limit)}`);
}

/**
 * All series in one query (UNION ALL), one row per series × bucket × breakdown value:
 * `{ series, bucket, breakdown, value }`. Buckets are cut in the project's time zone;
 * missing buckets are zero-filled by `shape`.
 *
 * @example compileTrends(spec, ctx, resolveRange(spec.dateRange, ctx), listBuckets(...), null)
 */
export function compileTrends(spec: TrendsSpec, ctx: Ctx, range: ResolvedRange, buckets: readonly Bucket[], top: readonly string[] | null): CompiledQuery {
  assertTimeZone(ctx.timeZone);
  const parts = spec.series.map((s, i) => seriesQuery(spec, s, i, ctx, range, buckets, top));
  return compile(sql.join(parts, '\nUNION ALL\n'));
}

function seriesQuery(spec: TrendsSpec, s: TrendSeries, index: number, ctx: Ctx, range: ResolvedRange, buckets: readonly Bucket[], top: readonly string[] | null): Fragment {
  const window = ACTIVE_WINDOW_DAYS[s.math];
  const from = window ? startOfLocalDay(addDays(range.fromDate, -(window - 1)), ctx.timeZone) : range.from;
  const src = filteredEvents({
    projectId: ctx.projectId,
    range: { from, to: range.to },
    ...optionalEvents([s.event]),
    filters: [...spec.filters, ...s.filters] as Filter[],
    withPersonProperties: spec.breakdown?.type === 'person',
  });
  const b = spec.breakdown;
  const breakdown = b ? (top ? capToTop(breakdownValue(b), top) : breakdownValue(b)) : sql`''`;
  const series = sql.trusted(String(index));
  const bucket = bucketKey(spec.interval, sql`timestamp`, ctx);

  if (window) {
    // Trailing windows: a person counts towards every bucket whose window — the `window`
    // days ending on the bucket's last in-range day — holds one of their (local) days.
    // Why states: the persons of each (day, breakdown) are collected once into a
    // `uniqExactState` (≈ 90 × values rows for 90 days), and each bucket merges the states
    // of the days in its window. The former plan (DISTINCT person × day, then ARRAY JOIN
    // every row onto its buckets) materialised and re-hashed one row per person-day per
    // bucket: 3× slower for DAU, and its cost grew with the window. Same set semantics.
    const ends = new Param('Array(Date)', buckets.map((k) => k.lastDate));
    const keys = p.strings(buckets.map((k) => k.key));
    return sql`SELECT toUInt32(${series}) AS series, arrayElement(${keys}, idx) AS bucket, breakdown, toNullable(toFloat64(uniqExactMerge(persons))) AS value
FROM (
  SELECT toDate(timestamp, ${p.string(ctx.timeZone)}) AS day, ${breakdown} AS breakdown, uniqExactState(person_id) AS persons
  FROM ${src}
  GROUP BY day, breakdown
)
ARRAY JOIN arrayFilter(i -> ${ends}[i] >= day AND ${ends}[i] < day + ${p.uint32(window)}, arrayEnumerate(${ends})) AS idx
GROUP BY idx, breakdown`;
  }
  if (s.math === 'per_person_avg') {
    return sql`SELECT toUInt32(${series}) AS series, bucket, breakdown, toNullable(toFloat64(avg(c))) AS value
FROM (
  SELECT ${bucket} AS bucket, ${breakdown} AS breakdown, person_id, count() AS c
  FROM ${src}
  GROUP BY bucket, breakdown, person_id
)
GROUP BY bucket, breakdown`;
  }
  return sql`SELECT toUInt32(${series}) AS series, ${bucket} AS bucket, ${breakdown} AS breakdown, ${aggregate(s)} AS value
FROM ${src}
GROUP BY bucket, breakdown`;
}

function aggregate(s: TrendSeries): Fragment {
  if (s.math === 'total') return sql`toNullable(toFloat64(count()))`;
  if (s.math === 'unique_persons') return sql`toNullable(toFloat64(uniqExact(person_id)))`;
  const x = propertyNumber(s.mathProperty!);
  const q = QUANTILES[s.math];
  // quantileExactInclusive interpolates between ranks (the median of 1, 2, 3, 4 is 2.5).
  if (q) return sql`toNullable(toFloat64(quantileExactInclusive(${sql.trusted(q)})(${x})))`;
  const fn = { sum: 'sum', avg: 'avg', min: 'min', max: 'max' }[s.math as 'sum' | 'avg' | 'min' | 'max'];
  return sql`toNullable(toFloat64(${sql.trusted(fn)}(${x})))`;
}

/** `$any` (every event) drops the event condition; otherwise the named events. */
function optionalEvents(events: readonly string[]): { events?: string[] } {
  const list = eventList(events);
  return list ? { events: list } : {};
}
