import { type Fragment, p, sql } from '../../sql/index.js';
import type { Filter } from '../shared/filters.js';
import { type AtomEnv, eventIs, source } from './segment.js';
import type { FunnelSteps } from './compile.js';

/**
 * The daily series of a two-step funnel (most metric funnels: ad click → sign-up, wall view
 * → call) without `windowFunnel`: each entry (first-step event in the period) is paired
 * with the person's next second-step event at or after it, and converts when that event is
 * within the window and on the entry's local day. Rows: one per person-day (`person_id`,
 * `d`), `v` = `value` of the day's earliest entry, `converted`.
 *
 * How: both steps' events of a person in one array sorted by (time, step, value), entries
 * first at equal times; `arrayReverseFill` carries each second step's time and day back to
 * every event before it, so each entry sees its next second step without a join;
 * `arraySplit` at each day's first entry gives the day's conversion. Every step is a plain
 * array function (no lambda captures another array, which would copy it once per element).
 *
 * Why it gives `windowFunnel`'s answer: windowFunnel (default mode) restarts its chain at
 * every first-step event and completes when a second-step event follows the latest one
 * within the window, equal timestamps counting (it sorts the first step before the
 * second). Some entry has a second step within the window exactly when the next second step
 * after some entry does, which is what the array finds. The test in metrics.test.ts holds
 * the two paths to the same rows on edge cases (equal timestamps, the window's edge,
 * midnight, entries after the period, merged persons).
 *
 * Why, and only for daily series: per person-day, windowFunnel keeps an event list for each
 * of millions of tiny groups. On the 100 M demo's daily call rate (22.5 M person-days over
 * 136 days) windowFunnel took 37 s, an ASOF join of entries to next calls 25–26 s, and this
 * 16.7 s (same rows). Per person over a period the groups are fewer and larger, and
 * windowFunnel was faster (the same rate by four dimensions over a quarter: windowFunnel
 * 8.6–9.7 s, this array form 14.7 s, the ASOF join 12.4 s), so this is for daily series only.
 *
 * undefined when the funnel has other than two steps, or both steps are the same event
 * (one event would be both), or a step is `$any`: those keep windowFunnel.
 */
export function dailyTwoStepFunnel(steps: FunnelSteps, windowMs: number, env: AtomEnv, value: Fragment): Fragment | undefined {
  const [first, second] = steps;
  if (steps.length !== 2 || !first || !second || first.event === second.event || first.event === '$any' || second.event === '$any') return undefined;
  const tz = p.string(env.timeZone);
  const side = (step: FunnelSteps[number], to: Date) =>
    source(env, { from: env.from, to, events: [step.event], filters: step.filters as Filter[], extraWhere: eventIs(step.event) });
  const ms = sql`toUInt64(toUnixTimestamp64Milli(timestamp))`;
  const day = sql`toDate(timestamp, ${tz})`;
  // evs: (ts, step, day, value) sorted by time, entries (0) before second steps (1) at equal
  // times, then by value (so ties pick the same entry every run). Second steps carry their
  // type's default instead of a value: only entries' values are read, and computing the key
  // on millions of second steps would be wasted work.
  return sql`(
    SELECT person_id, d, v, converted FROM (
      SELECT person_id,
        arrayMap(x -> x.1, evs) AS f_ts, arrayMap(x -> x.2, evs) AS f_step, arrayMap(x -> x.3, evs) AS f_day,
        arrayReverseFill(x -> x > 0, arrayMap((t, k) -> if(k = 1, t, 0), f_ts, f_step)) AS f_next_ts,
        arrayReverseFill(x -> x > 0, arrayMap((dd, k) -> if(k = 1, toUInt16(dd), 0), f_day, f_step)) AS f_next_day,
        arrayFilter((c, k) -> k = 0, arrayMap((t, dd, nt, nd) -> nt > 0 AND nt <= t + ${p.uint64(windowMs)} AND nd = toUInt16(dd),
          f_ts, f_day, f_next_ts, f_next_day), f_step) AS f_converted,
        arrayFilter((dd, k) -> k = 0, f_day, f_step) AS f_entry_day,
        arrayMap((dd, prev, i) -> i = 1 OR dd != prev,
          f_entry_day, arrayPushFront(arrayPopBack(f_entry_day), toDate(0)), arrayEnumerate(f_entry_day)) AS f_day_first,
        arrayFilter((dd, f) -> f, f_entry_day, f_day_first) AS f_days,
        arrayFilter((x, f) -> f, arrayFilter((x, k) -> k = 0, arrayMap(x -> x.4, evs), f_step), f_day_first) AS f_values,
        arrayMap(c -> arrayMax(c), arraySplit((c, f) -> f, f_converted, f_day_first)) AS f_day_converted
      FROM (
        SELECT person_id, arraySort(x -> (x.1, x.2, x.4), groupArray((ts, step, d, v))) AS evs FROM (
          SELECT person_id, ${ms} AS ts, toUInt8(0) AS step, ${day} AS d, ${value} AS v FROM ${side(first, env.to)}
          UNION ALL
          SELECT person_id, ${ms} AS ts, toUInt8(1) AS step, ${day} AS d, defaultValueOfArgumentType(${value}) AS v
          FROM ${side(second, new Date(env.to.getTime() + windowMs))}
        ) GROUP BY person_id HAVING min(step) = 0
      )
    ) ARRAY JOIN f_days AS d, f_values AS v, f_day_converted AS converted
  )`;
}
