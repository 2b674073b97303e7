import { type Fragment, p, sql } from '../../sql/index.js';
import { activePersonsDimension, hourlyDimensionValues } from '../shared/active-persons.js';
import type { Filter } from '../shared/filters.js';
import { eventsWithPersons, resolveGroupedPersons } from '../shared/persons.js';
import { propertyString } from '../shared/properties.js';
import { daysBetween, localDate } from '../shared/time-zone.js';
import type { FunnelSteps } from './compile.js';
import { type AtomEnv, eventIs, rawSegments, type Segment, segmentKey, segmentTags, source } from './segment.js';

/** One read of a two-step funnel: a span, per day or per person, and how its rows are tagged. */
export interface TwoStepRequest {
  /** UTC instants [from, to) of the entries (first-step events) this request counts. */
  from: Date;
  to: Date;
  /**
   * true: a row per person and local day with an entry, converted when a second step
   * follows an entry of that day within the window and on the same day (a daily series);
   * false: a row per person with an entry in the span, converted when a second step
   * follows one of those entries within the window (which may end after the span).
   */
  daily: boolean;
  /** The segments to tag the rows with: event dimensions, or '' for the whole project (TOTAL / the day alone). */
  segments: Segment[];
  /** `i:value` tags (several segments, see segmentTags) or the bare value (one segment, compile.ts). */
  indexed: boolean;
}

/** The error text of a query whose entries had more dimension-value combinations than its packed numbers can index (see `twoStepFunnel`). */
export const TWO_STEP_OVERFLOW = 'fupan_two_step_too_many_combinations';

/**
 * A two-step funnel (ad click → sign-up, wall view → call: most metric funnels), read for
 * any number of spans and segmentations in one pass over the events: rows `req, seg, num,
 * den, x, day_num` (`req` the request's position, `num` converted, `den` entered; for a
 * daily request, `day_num` the persons converted when the day is read as a span of its own,
 * the window free to end the next day; 0 otherwise).
 *
 * Each event becomes one UInt64, from the top: its local day (days since the earliest
 * span's first day), the milliseconds since that day's start, the index of its dimension
 * values among the entries' distinct combinations (second steps: all ones), and the step
 * (entries 0, second steps 1). Sorting a person's numbers sorts their events by time, with
 * entries before second steps at equal times (windowFunnel's order) and, between entries at
 * one millisecond, by the combination's key. `arrayReverseFill` carries each second step
 * back to the events before it, so every entry sees its next second step without a join;
 * an entry converts when that step is within the window (and, per day, on the same local
 * day). A request's entries are the contiguous slice of the sorted entries inside its
 * span; its segment values are those of its first entry (per day or per span), read from
 * the index. The events are collected per person written at ingest and merged persons'
 * arrays joined after (`resolveGroupedPersons`), so the identity join runs per person.
 *
 * Why one number per event and one pass for several spans: a report reads the same funnel
 * for the period, the previous one and the daily series behind its anomalies. On the 100 M
 * demo, the call rate's three reads (136 days per day by five dimensions; two quarters by
 * four) took 6.0 + 1.9 + 1.7 s as separate queries with the dimension key in a second
 * array, and 4.1–5.0 s as this one pass. Why it gives `windowFunnel`'s answer: windowFunnel
 * (default mode) restarts at every first-step event and completes when a second-step event
 * follows the latest one within the window, equal times counting; some entry has a second
 * step within the window exactly when the next second step after some entry does. The test
 * in metrics.test.ts holds the two to the same rows on edge cases (equal times, the
 * window's edge, midnight, entries after the span, merged persons).
 *
 * undefined when the funnel is not two different events (see isTwoStep), a segment is a
 * person property (its values are not on the events), or the spans are too long for the
 * packing; then callers use windowFunnel. A query whose entries have more combinations than
 * the index holds (2^16 at the least) fails with TWO_STEP_OVERFLOW, and the evaluator runs
 * the windowFunnel form instead.
 */
export function twoStepFunnel(
  steps: FunnelSteps,
  windowMs: number,
  env: Pick<AtomEnv, 'projectId' | 'timeZone'>,
  requests: readonly TwoStepRequest[],
  /** Fewer index bits than the packing allows (tests of TWO_STEP_OVERFLOW). */
  o: { indexBits?: number } = {},
): Fragment | undefined {
  const [first, second] = steps;
  if (!isTwoStep(steps) || !first || !second || !requests.length) return undefined;
  const segments = requests.flatMap((r) => r.segments);
  if (segments.some((s) => s.property && s.type !== 'event')) return undefined;

  const from = new Date(Math.min(...requests.map((r) => r.from.getTime())));
  const to = new Date(Math.max(...requests.map((r) => r.to.getTime())));
  const end = to.getTime() + windowMs;
  const baseDay = localDate(from, env.timeZone);
  const days = daysBetween(baseDay, localDate(new Date(end - 1), env.timeZone)) + 1;
  const dayBits = Math.max(1, bitLength(days - 1));
  const msBits = Math.max(1, bitLength(end - from.getTime() - 1));
  const idxBits = Math.min(o.indexBits ?? 32, 63 - dayBits - msBits);
  if (idxBits < Math.min(16, o.indexBits ?? 16)) return undefined;
  const layout = { dayShift: msBits + idxBits + 1, msShift: idxBits + 1, msMask: 2 ** msBits - 1, idxMask: 2 ** idxBits - 1 };

  // The entries' dimensions, each once; their values become a small index (valueIndex).
  const dimensions = [...new Set(segments.filter((s) => s.property).map((s) => s.property))].map((property) => ({ property, type: 'event' as const }));
  // Spans far apart (a report's flagged days) are read as their own intervals, not as the
  // whole range between them: entries only inside a span count, and a second step only
  // within a span's end plus the window can convert one of them.
  const entriesIn = within(spanIntervals(requests, 0));
  const secondsIn = within(spanIntervals(requests, windowMs));
  const entryRows = eventsWithPersons({ projectId: env.projectId, range: { from, to }, events: [first.event], withoutPersons: true, ...(entriesIn ? { eventWhere: entriesIn } : {}) });

  const tz = p.string(env.timeZone);
  const time = sql`bitShiftLeft(toUInt64(toUInt16(toDate(timestamp, ${tz})) - ${p.uint32(daysBetween('1970-01-01', baseDay))}), ${p.uint32(layout.dayShift)})
          + bitShiftLeft(toUInt64(toUnixTimestamp64Milli(timestamp) - ${p.int64(from.getTime())}), ${p.uint32(layout.msShift)})`;
  const { prelude, index, rv } = valueIndex({ dimensions, entryRows, idxMask: layout.idxMask, projectId: env.projectId, event: first.event, from, to });
  const atomEnv: AtomEnv = { projectId: env.projectId, timeZone: env.timeZone, from, to, fromDate: baseDay, toDate: baseDay, asOfDate: baseDay };
  const side = (step: FunnelSteps[number], until: Date, inSpans: Fragment | undefined) =>
    source(atomEnv, { from, to: until, events: [step.event], filters: step.filters as Filter[], extraWhere: inSpans ? sql`${eventIs(step.event)} AND ${inSpans}` : eventIs(step.event), unresolved: true });

  const persons = resolveGroupedPersons({
    projectId: env.projectId,
    grouped: sql`SELECT person_id, groupArray(x) AS ps, min(bitAnd(x, 1)) AS no_entry FROM (
        SELECT person_id, ${time} + bitShiftLeft(toUInt64(${index}), 1) AS x FROM ${side(first, to, entriesIn)}
        UNION ALL
        SELECT person_id, ${time} + ${p.uint64(2 * layout.idxMask + 1)} AS x FROM ${side(second, new Date(end), secondsIn)}
      ) GROUP BY person_id`,
    keys: [],
    merges: sql`groupArrayArray(g.ps) AS ps, min(g.no_entry) AS no_entry`,
  });

  const anyDaily = requests.some((r) => r.daily);
  const rows = requests.map((r, i) => requestRows(r, i, from));
  const columns = requests.flatMap((r, i) => requestColumns(r, i, from));
  const tagsOf = (r: TwoStepRequest) =>
    segmentTags(
      r.segments,
      sql`tuple(${sql.join(r.segments.map((s) => (s.property ? sql`tupleElement(rv, ${sql.trusted(String(dimensions.findIndex((d) => d.property === s.property) + 1))})` : sql`''`)))})`,
      sql`addDays(toDate(${p.date(baseDay)}), d)`,
      { indexed: r.indexed },
    );
  return sql`${prelude}
    SELECT req, seg, toFloat64(sum(a)) AS num, toFloat64(sum(b)) AS den, 0 AS x, toFloat64(sum(a_day)) AS day_num FROM (
      SELECT req, d, a, b, a_day, ${rv} AS rv FROM (
        SELECT r.1 AS req, r.2 AS idx, r.3 AS d, countIf(r.4 = 1) AS a, count() AS b, countIf(r.5 = 1) AS a_day FROM (
          SELECT arrayConcat(${sql.join(rows)}) AS f_rows FROM (
            SELECT
              arraySort(ps) AS f_p,
              arrayReverseFill(x -> x > 0, arrayMap(x -> if(bitAnd(x, 1) = 1, x, 0), f_p)) AS f_next,
              arrayFilter(x -> bitAnd(x, 1) = 0, f_p) AS f_e,
              arrayFilter((n, x) -> bitAnd(x, 1) = 0, f_next, f_p) AS f_n,
              arrayMap(x -> bitAnd(bitShiftRight(x, ${p.uint32(layout.msShift)}), ${p.uint64(layout.msMask)}), f_e) AS f_ems,
              arrayMap(x -> toUInt32(bitAnd(bitShiftRight(x, 1), ${p.uint64(layout.idxMask)})), f_e) AS f_idx,
              arrayMap((n, em) -> n > 0 AND bitAnd(bitShiftRight(n, ${p.uint32(layout.msShift)}), ${p.uint64(layout.msMask)}) - em <= ${p.uint64(windowMs)}, f_n, f_ems) AS f_win${
                anyDaily
                  ? sql`,
              arrayMap(x -> toUInt16(bitShiftRight(x, ${p.uint32(layout.dayShift)})), f_e) AS f_day,
              arrayMap((w, n, dd) -> w AND toUInt16(bitShiftRight(n, ${p.uint32(layout.dayShift)})) = dd, f_win, f_n, f_day) AS f_sameday`
                  : sql.empty
              }${columns.length ? sql`,
              ${sql.join(columns, ',\n              ')}` : sql.empty}
            FROM ${persons}
            WHERE no_entry = 0
          )
        ) ARRAY JOIN f_rows AS r
        GROUP BY req, idx, d
      )
    ) ARRAY JOIN multiIf(${sql.join(requests.map((r, i) => sql`req = ${p.uint32(i)}, ${tagsOf(r)}`))}, []) AS seg
    GROUP BY req, seg ORDER BY req, seg`;
}

/**
 * How an entry's dimension values become the small index packed into its number
 * (`index`, per event row), and back (`rv`, per index `idx`), with the WITH clause both
 * read (`prelude`).
 *
 * - When every dimension is a column `active_persons_hourly` keeps (the usual channel,
 *   campaign, region, device and version): each column's distinct values over the span
 *   come from that table (`hourlyDimensionValues`, a few thousand rows), and the index is
 *   the entry's position in each list in mixed radix, 1 + Σ position × (product of the
 *   sizes before it). `transform` of a LowCardinality column runs once per dictionary entry,
 *   so no row is hashed. Used while the product of the sizes fits the index bits.
 * - Otherwise (a property that is not a kept column, or a product too large): the distinct
 *   combinations of the entries' values, by key, from a scan of the entries; the index is
 *   the key's position (TWO_STEP_OVERFLOW past the index bits, as before).
 * In the first case the scan's WHERE is a constant false, so the engine skips it; the
 * choice is made in the query because the sizes are known only there.
 *
 * Why: on the 100 M demo the report's call-rate pass (entries of 143 days, 23 M events, by
 * five dimensions) spent 0.55 s of its 4.3 s scanning the entries' dimension columns for
 * the combinations; read from the hourly table, the pass took 3.6–3.7 s (same rows).
 */
function valueIndex(o: {
  dimensions: readonly Segment[];
  /** The entries (for the scan): the first step's events over the spans. */
  entryRows: Fragment;
  idxMask: number;
  projectId: string;
  event: string;
  from: Date;
  to: Date;
}): { prelude: Fragment; index: Fragment; rv: Fragment } {
  const mask = p.uint64(o.idxMask);
  const key = segmentKey(o.dimensions)!;
  const scanIndex = sql`if(length(kv.1) < ${mask}, transform(${key}, kv.1, range(1, length(kv.1) + 1), toUInt64(0)), throwIf(1, ${p.string(TWO_STEP_OVERFLOW)}))`;
  const combinations = (where: Fragment) => sql`(SELECT (arraySort(groupArray(k)), arraySort((v, k) -> k, groupArray(rv), groupArray(k))) FROM (
      SELECT ${key} AS k, any(${rawSegments(o.dimensions)}) AS rv FROM ${o.entryRows}${where} GROUP BY k)) AS kv`;
  // The whole project alone: one combination, nothing to read.
  if (!o.dimensions.length) return { prelude: sql.empty, index: sql`toUInt64(1)`, rv: sql`tuple('')` };
  const columns = o.dimensions.map((d) => activePersonsDimension(d));
  if (columns.some((c) => !c)) return { prelude: sql`WITH ${combinations(sql.empty)}`, index: scanIndex, rv: sql`kv.2[idx]` };

  const list = (i: number) => sql`tupleElement(dv, ${sql.trusted(String(i + 1))})`;
  const size = (i: number) => sql`length(${list(i)})`;
  // The product of the sizes before dimension i (1 for the first).
  const radix = (i: number) => (i === 0 ? sql`1` : sql.join(columns.slice(0, i).map((_, j) => size(j)), ' * '));
  const fits = sql`(${sql.join(columns.map((_, i) => sql`toFloat64(${size(i)})`), ' * ')} < ${mask})`;
  const position = (i: number) => sql`transform(${propertyString(o.dimensions[i]!.property, 'event')}, ${list(i)}, range(${size(i)}), 0)`;
  const mixed = sql`toUInt64(1 + ${sql.join(columns.map((_, i) => (i === 0 ? position(i) : sql`${position(i)} * ${radix(i)}`)), ' + ')})`;
  const decoded = sql`tuple(${sql.join(columns.map((_, i) => sql`${list(i)}[intDiv(idx - 1, ${radix(i)}) % ${size(i)} + 1]`))})`;
  const dv = hourlyDimensionValues({ projectId: o.projectId, event: o.event, from: o.from, to: o.to, columns: columns as string[] });
  return {
    prelude: sql`WITH ${dv} AS dv, ${combinations(sql` WHERE NOT ${fits}`)}`,
    index: sql`if(${fits}, ${mixed}, ${scanIndex})`,
    rv: sql`if(${fits}, ${decoded}, kv.2[idx])`,
  };
}

/** The requests' spans, each extended by `extendMs`, as sorted disjoint intervals [from, to) in ms. */
function spanIntervals(requests: readonly TwoStepRequest[], extendMs: number): [number, number][] {
  const sorted = requests.map((r) => [r.from.getTime(), r.to.getTime() + extendMs] as [number, number]).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** A test that `timestamp` falls in one of several intervals; undefined for one (the scan's own range is it). */
function within(intervals: readonly [number, number][]): Fragment | undefined {
  if (intervals.length < 2) return undefined;
  return sql`(${sql.join(
    intervals.map(([a, b]) => sql`(timestamp >= ${p.dateTime(new Date(a))} AND timestamp < ${p.dateTime(new Date(b))})`),
    ' OR ',
  )})`;
}

/** Bounds of a request's span in the packed numbers' milliseconds (since `base`). */
function spanBounds(r: TwoStepRequest, base: Date) {
  return { lo: p.uint64(Math.max(0, r.from.getTime() - base.getTime())), hi: p.uint64(Math.max(0, r.to.getTime() - base.getTime())) };
}

/** Per-person columns a daily request needs: `f_in<i>`, which entries fall in its span. */
function requestColumns(r: TwoStepRequest, i: number, base: Date): Fragment[] {
  if (!r.daily) return [];
  const { lo, hi } = spanBounds(r, base);
  return [sql`arrayMap(em -> em >= ${lo} AND em < ${hi}, f_ems) AS ${sql.trusted(`f_in${i}`)}`];
}

/** `(req, idx, day, converted, converted as a one-day span)` tuples of one person for request `i` (see twoStepFunnel). */
function requestRows(r: TwoStepRequest, i: number, base: Date): Fragment {
  const req = p.uint32(i);
  if (!r.daily) {
    // The span's first entry gives the values; the person converted when any of its entries
    // did. No row when the span has no entry (first index 0); the index is found once, not
    // tested for and then found (3.50 against 3.59 s for the report's call-rate pass).
    const { lo, hi } = spanBounds(r, base);
    return sql`arrayMap(j -> (toUInt16(${req}), f_idx[j], toUInt16(0),
          toUInt8(arrayExists((em, w) -> w AND em >= ${lo} AND em < ${hi}, f_ems, f_win)), toUInt8(0)),
        arrayFilter(j -> j > 0, [arrayFirstIndex(em -> em >= ${lo} AND em < ${hi}, f_ems)]))`;
  }
  // Each local day's first entry gives the values; the day converted when any of its
  // entries did (on that day). The fifth element: converted when any of them did within the
  // window, which may end the next day: the day read as a span of its own (`day_num`), so
  // a report's flagged days need no pass of their own (see DailySpans in daily-spans.ts).
  const n = (name: string) => sql.trusted(`${name}${i}`);
  const inSpan = (array: string) => sql`arrayFilter((x, m) -> m, ${sql.trusted(array)}, ${n('f_in')})`;
  const perDay = (array: string) => sql`arrayMap(c -> arrayMax(c), arraySplit((c, f) -> f, ${inSpan(array)}, ${n('f_first')}))`;
  return sql`arrayMap((dd, v, c, w) -> (toUInt16(${req}), v, dd, toUInt8(c), toUInt8(w)),
        arrayFilter((dd, f) -> f,
          ${inSpan('f_day')} AS ${n('f_days')},
          arrayMap((diff, k) -> k = 1 OR diff != 0, arrayDifference(${n('f_days')}), arrayEnumerate(${n('f_days')})) AS ${n('f_first')}),
        arrayFilter((v, f) -> f, ${inSpan('f_idx')}, ${n('f_first')}),
        ${perDay('f_sameday')}, ${perDay('f_win')})`;
}

function bitLength(n: number): number {
  return n <= 0 ? 0 : Math.floor(Math.log2(n)) + 1;
}

/** Two steps of different events, neither `$any`: what `twoStepFunnel` computes. */
export function isTwoStep(steps: FunnelSteps): boolean {
  const [first, second] = steps;
  return steps.length === 2 && !!first && !!second && first.event !== second.event && first.event !== '$any' && second.event !== '$any';
}

/** `windowFunnel`'s level of a group of events (a person, or a person-day): every funnel `twoStepFunnel` does not take. */
export function windowFunnelLevel(conds: readonly Fragment[], windowMs: number): Fragment {
  return sql`windowFunnel(${p.uint64(windowMs)})(toUInt64(toUnixTimestamp64Milli(timestamp)), ${sql.join([...conds])})`;
}
