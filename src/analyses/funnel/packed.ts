import { type Fragment, p, sql } from '../../sql/index.js';
import type { ResolvedRange } from '../shared/date-range.js';
import { compileFilters } from '../shared/filters.js';
import { resolveGroupedPersons } from '../shared/persons.js';
import type { FunnelSpec } from './schema.js';
import { funnelSource, windowEnd } from './source.js';

/** Bits of a packed event holding its step (the value all ones: no step). */
const STEP_BITS = 5;
const NO_STEP = 2 ** STEP_BITS - 1;

/**
 * Whether `packedPersons` takes the funnel: ordered, without exclusions or breakdown, a
 * fixed window (not calendar months), and every step a different event name (not `$any`),
 * so that each event matches one step at most. Product funnels (ad click → sign-up → pay)
 * are of this kind; the rest take the general fold (fold.ts).
 */
export function packable(spec: FunnelSpec): boolean {
  const names = spec.steps.map((s) => s.event);
  return (
    spec.order === 'ordered' &&
    !spec.exclusions.length &&
    !spec.breakdown &&
    spec.window.unit !== 'month' &&
    new Set(names).size === names.length &&
    !names.includes('$any') &&
    names.length < NO_STEP
  );
}

/**
 * `funnelPersons` for a packable funnel: one row per entrant, `(person_id, bv, times)`, the
 * step times of the person's best attempt, as the general fold gives them.
 *
 * Each event is one UInt64: milliseconds since the range's start, then its step (5 bits).
 * Sorting a person's numbers orders the events by time and, within a millisecond, by step
 * (the fold's order). For each later step k, `arrayReverseFill` gives every position the
 * next step-k event after it, so an attempt from a start is a chain of lookups: the next
 * step-1 event after the start, the next step-2 event after that one, … while each lies
 * within the window of the start (greedy earliest is optimal, as in fold.ts). The best
 * attempt goes furthest; ties keep the earliest start. The numbers are collected per person
 * written at ingest and merged persons' arrays joined after (`resolveGroupedPersons`; with
 * person properties the persons are resolved per event anyway), so the identity join runs
 * per person, not per event.
 *
 * Why: the general fold collects a (time, mask) tuple per event and sorts tuples by a
 * computed key, then filters one tuple array per step; numbers sort and collect at a
 * fraction of that. The test in funnel.test.ts holds both to the same results.
 */
export function packedPersons(spec: FunnelSpec, projectId: string, range: ResolvedRange): Fragment {
  const n = spec.steps.length;
  const windowMs = windowEnd(new Date(0), spec.window).getTime();
  const base = range.from.getTime();
  const inRange = sql`timestamp < ${p.dateTime(range.to)}`;
  // Step 0 counts only inside the range (only there may an attempt start).
  const step = sql`multiIf(${sql.join(
    spec.steps.map((s, k) => {
      const match = sql`event = ${p.string(s.event)} AND ${compileFilters(s.filters)}`;
      return sql`${k === 0 ? sql`(${match}) AND ${inRange}` : match}, ${p.uint32(k)}`;
    }),
  )}, ${p.uint32(NO_STEP)})`;
  const k = (i: number) => sql.trusted(String(i));
  const col = (name: string, i: number) => sql.trusted(`${name}${i}`);
  // Per later step i: for every position, the next step-i position after it (0 when none):
  // the first step-i position at or after each position, shifted by one.
  const nextColumns = Array.from({ length: n - 1 }, (_, j) => {
    const i = j + 1;
    return sql`arrayPushBack(arrayPopFront(arrayReverseFill(q -> q > 0, arrayMap((s, q) -> if(s = ${k(i)}, q, toUInt32(0)), f_s, f_i))), toUInt32(0)) AS ${col('f_n', i)}`;
  });
  // The attempts of all starts at once, step by step, as arrays over the starts: `f_p<i>`
  // the step-i position (0 once an attempt stopped), `f_ok<i>` whether it is within the
  // window. Each lookup captures one array of the person, copied once per start (a start
  // per attempt: few), where one lambda per start would copy every array once per step.
  const stepColumns = Array.from({ length: n - 1 }, (_, j) => {
    const i = j + 1;
    return sql`arrayMap((q, ok) -> if(ok, ${col('f_n', i)}[q], toUInt32(0)), ${col('f_p', i - 1)}, ${col('f_ok', i - 1)}) AS ${col('f_p', i)},
        arrayMap((q, d) -> q > 0 AND f_t[q] <= d, ${col('f_p', i)}, f_deadline) AS ${col('f_ok', i)}`;
  });
  const reached = sql.join(Array.from({ length: n - 1 }, (_, j) => col('f_ok', j + 1)), ', ');
  const okArgs = sql.join(Array.from({ length: n - 1 }, (_, j) => sql.trusted(`o${j + 1}`)), ', ');
  const okSum = sql.join(Array.from({ length: n - 1 }, (_, j) => sql.trusted(`o${j + 1}`)), ' + ');
  const positions = sql.join(Array.from({ length: n }, (_, i) => sql`${col('f_p', i)}[f_best]`), ', ');
  return sql`
    SELECT person_id, '' AS bv, arrayMap(q -> toInt64(f_t[q]) + ${p.int64(base)}, arraySlice([${positions}], 1, f_level)) AS times FROM (
      SELECT person_id,
        arrayMap(x -> bitAnd(x, ${p.uint64(NO_STEP)}), f_x) AS f_s,
        arrayMap(x -> bitShiftRight(x, ${k(STEP_BITS)}), f_x) AS f_t,
        arrayEnumerate(f_x) AS f_i,
        ${sql.join(nextColumns, ',\n        ')},
        arrayFilter((q, s) -> s = 0, f_i, f_s) AS f_p0,
        arrayMap(q -> true, f_p0) AS f_ok0,
        arrayMap(q -> f_t[q] + ${p.uint64(windowMs)}, f_p0) AS f_deadline,
        ${sql.join(stepColumns, ',\n        ')},
        arrayMap((${okArgs}) -> toUInt32(1 + ${okSum}), ${reached}) AS f_levels,
        arrayMax(f_levels) AS f_level,
        indexOf(f_levels, f_level) AS f_best
      FROM (
        SELECT person_id, arraySort(xs) AS f_x FROM ${resolveGroupedPersons({
          projectId,
          grouped: sql`SELECT person_id, groupArray(x) AS xs, min(bitAnd(x, ${p.uint64(NO_STEP)})) AS first_step FROM (
            SELECT person_id, bitShiftLeft(toUInt64(toUnixTimestamp64Milli(timestamp) - ${p.int64(base)}), ${k(STEP_BITS)}) + s AS x
            FROM (SELECT person_id, timestamp, ${step} AS s FROM ${funnelSource(spec, projectId, range, { unresolvedPersons: true })})
            WHERE s != ${p.uint32(NO_STEP)}
          ) GROUP BY person_id`,
          keys: [],
          merges: sql`groupArrayArray(g.xs) AS xs, min(g.first_step) AS first_step`,
        })}
        WHERE first_step = 0
      )
    )`;
}
