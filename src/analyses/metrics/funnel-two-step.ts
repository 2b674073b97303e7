import { type Fragment, p, sql } from '../../sql/index.js';
import type { Filter } from '../shared/filters.js';
import { resolveGroupedPersons } from '../shared/persons.js';
import { type AtomEnv, eventIs, source } from './segment.js';
import type { FunnelSteps } from './compile.js';

/**
 * The daily series of a two-step funnel (most metric funnels: ad click → sign-up, wall view
 * → call) without `windowFunnel`: each entry (first-step event in the period) is paired
 * with the person's next second-step event at or after it, and converts when that event is
 * within the window and on the entry's local day. Rows: one per person-day (`person_id`,
 * `d`), `v` = `value` of the day's earliest entry, `converted`.
 *
 * How: both steps' events of a person in one array of packed numbers sorted by (time,
 * step), entries first at equal times, and the values sorted alongside (at equal times
 * and steps, by the top 20 bits of the value's hash: which of two entries of one person in the same
 * millisecond gives the day's value is otherwise arbitrary, and this keeps it to a plain
 * numeric sort); `arrayReverseFill` carries each second step's time and day back to every
 * event before it, so each entry sees its next second step without a join; `arraySplit`
 * at each day's first entry gives the day's conversion. Every step is a plain array
 * function (no lambda captures another array, which would copy it once per element).
 * The events are collected per person written at ingest and merged persons' arrays joined
 * after (`resolveGroupedPersons`); the arrays are sorted only then.
 *
 * Why it gives `windowFunnel`'s answer: windowFunnel (default mode) restarts its chain at
 * every first-step event and completes when a second-step event follows the latest one
 * within the window, equal timestamps counting (it sorts the first step before the
 * second). Some entry has a second step within the window exactly when the next second step
 * after some entry does, which is what the array finds. The test in metrics.test.ts holds
 * the two paths to the same rows on edge cases (equal timestamps, the window's edge,
 * midnight, entries after the period, merged persons).
 *
 * Why: per person-day, windowFunnel keeps an event list for each of millions of tiny
 * groups. On the 100 M demo's daily call rate (22.5 M person-days over 136 days)
 * windowFunnel took 37 s, an ASOF join of entries to next calls 25–26 s, this form with a
 * tuple per event 16.7 s, and with one packed number per event 15.4 s (same rows). Then
 * (same rows): numeric sort keys instead of tuples, the identity join per person instead of
 * per event, and the key values read from entries only, 17.2 → 12.4 s. Over a whole period
 * see `twoStepPersons`, the same idea per person.
 *
 * undefined when the funnel has other than two steps, or both steps are the same event
 * (one event would be both), or a step is `$any`: those keep windowFunnel.
 */
export function dailyTwoStepFunnel(steps: FunnelSteps, windowMs: number, env: AtomEnv, value: Fragment): Fragment | undefined {
  const [first, second] = steps;
  if (!isTwoStep(steps) || !first || !second) return undefined;
  const tz = p.string(env.timeZone);
  // Persons as written at ingest: the events are collected per ingest-time person first and
  // the groups of merged persons joined afterwards (resolveGroupedPersons), so the identity
  // join runs on one row per person instead of one per event.
  const side = (step: FunnelSteps[number], to: Date) =>
    source(env, { from: env.from, to, events: [step.event], filters: step.filters as Filter[], extraWhere: eventIs(step.event), unresolved: true });
  // One UInt64 per event: local day (bits 28+), milliseconds since the local day's start
  // (bits 1–27: a day, even of 25 hours, is < 2²⁷ ms), step (bit 0). Sorting these sorts by
  // time with entries (0) before second steps (1) at equal times; within one day the
  // difference of two of them is twice the time between the events, ± the step bit.
  const packed = sql`bitShiftLeft(toUInt64(toUInt16(toDate(timestamp, ${tz}))), 28)
            + toUInt64(toUnixTimestamp64Milli(timestamp) - 1000 * toInt64(toUnixTimestamp(toStartOfDay(timestamp, ${tz})))) * 2`;
  // Second steps carry their type's default instead of a value: only entries' values are
  // read, and computing the key on millions of second steps would be wasted work.
  return sql`(
    SELECT person_id, d, v, converted FROM (
      SELECT person_id,
        arraySort(ps) AS f_p,
        arraySort((y, k) -> k, vs, arrayMap((x, y) -> x * 1048576 + bitShiftRight(cityHash64(y), 44), ps, vs)) AS f_v,
        arrayReverseFill(x -> x > 0, arrayMap(x -> if(bitAnd(x, 1) = 1, x, 0), f_p)) AS f_next,
        arrayFilter(x -> bitAnd(x, 1) = 0, f_p) AS f_entries,
        arrayFilter((n, x) -> bitAnd(x, 1) = 0, f_next, f_p) AS f_entry_next,
        arrayMap((x, n) -> n > 0 AND bitShiftRight(n, 28) = bitShiftRight(x, 28) AND n - x <= ${p.uint64(2 * windowMs + 1)}, f_entries, f_entry_next) AS f_converted,
        arrayMap(x -> bitShiftRight(x, 28), f_entries) AS f_entry_day,
        arrayMap((dd, prev, i) -> i = 1 OR dd != prev,
          f_entry_day, arrayPushFront(arrayPopBack(f_entry_day), toUInt64(0)), arrayEnumerate(f_entry_day)) AS f_day_first,
        arrayMap(dd -> toDate(toUInt16(dd)), arrayFilter((dd, f) -> f, f_entry_day, f_day_first)) AS f_days,
        arrayFilter((y, f) -> f, arrayFilter((y, x) -> bitAnd(x, 1) = 0, f_v, f_p), f_day_first) AS f_values,
        arrayMap(c -> arrayMax(c), arraySplit((c, f) -> f, f_converted, f_day_first)) AS f_day_converted
      FROM ${resolveGroupedPersons({
        projectId: env.projectId,
        grouped: sql`SELECT person_id, groupArray(x) AS ps, groupArray(v) AS vs, min(bitAnd(x, 1)) AS no_entry FROM (
          SELECT person_id, ${packed} AS x, ${value} AS v FROM ${side(first, env.to)}
          UNION ALL
          SELECT person_id, ${packed} + 1 AS x, defaultValueOfArgumentType(${value}) AS v
          FROM ${side(second, new Date(env.to.getTime() + windowMs))}
        ) GROUP BY person_id`,
        keys: [],
        merges: sql`groupArrayArray(g.ps) AS ps, groupArrayArray(g.vs) AS vs, min(g.no_entry) AS no_entry`,
      })}
      WHERE no_entry = 0
    ) ARRAY JOIN f_days AS d, f_values AS v, f_day_converted AS converted
  )`;
}

/** Two steps of different events, neither `$any`: what the array forms here compute. */
export function isTwoStep(steps: FunnelSteps): boolean {
  const [first, second] = steps;
  return steps.length === 2 && !!first && !!second && first.event !== second.event && first.event !== '$any' && second.event !== '$any';
}

/** Per event `2 × (ms since from) + step`: what `twoStepPersons` collects. */
function packedStep(entry: Fragment, from: Date): Fragment {
  return sql`toUInt64(toUnixTimestamp64Milli(timestamp) - ${p.int64(from.getTime())}) * 2 + if(${entry}, 0, 1)`;
}

/** The level (1 entered, 2 converted) from an unsorted array of `packedStep`s. */
function levelOfArray(array: Fragment, windowMs: number): Fragment {
  return sql`arrayExists((x, n) -> bitAnd(x, 1) = 0 AND n > 0 AND n - x <= ${p.uint64(2 * windowMs + 1)},
        arraySort(${array}) AS f_ps,
        arrayReverseFill(n -> n > 0, arrayMap(x -> if(bitAnd(x, 1) = 1, x, 0), f_ps))) + 1`;
}

/**
 * A two-step funnel over a whole period, per person: rows `v` (the value at the person's
 * earliest entry) and `level` (`windowFunnel`'s: 1 entered, 2 converted), for persons with
 * an entry. Per event `2 × (ms since from) + step` (entries before second steps at equal
 * times) in one numeric array; after sorting, each entry is paired with the next second
 * step by `arrayReverseFill` and converts when one pair is within the window (n − x ≤ 2w +
 * 1: the same edge as windowFunnel's `≤ window`). Events matching neither step are left
 * out. `conds`: the steps' conditions (the first one inside the period), over `src`
 * (`funnelSource(…, { unresolved: true })`), which starts at `from`; `firstValue` is the
 * aggregate giving a group's value at its earliest entry (`argMinIf(<segment>, timestamp,
 * <entry>)`, or `firstSegments`).
 *
 * The arrays are collected per person written at ingest and joined for merged persons
 * afterwards (`resolveGroupedPersons`: the earliest entry's value over the groups, the
 * arrays concatenated), so the identity join runs once per person instead of once per event.
 *
 * Why: windowFunnel keeps a (timestamp, step) list per person and was the slower form
 * once the array holds plain numbers (a tuple per event cost 3× as much to collect): on the
 * 100 M demo's call rate over a quarter by four dimensions, 7.1 → 5.2 s, and with the
 * identity join per person 6.1 → 5.1 s (same rows).
 */
export function twoStepPersons(conds: readonly Fragment[], src: Fragment, windowMs: number, from: Date, projectId: string, firstValue: Fragment): Fragment {
  const [entry, second] = conds;
  if (conds.length !== 2 || !entry || !second) throw new RangeError('twoStepPersons needs a two-step funnel (see isTwoStep)');
  return sql`(
    SELECT v, ${levelOfArray(sql`xs`, windowMs)} AS level
    FROM ${resolveGroupedPersons({
      projectId,
      grouped: sql`SELECT person_id, ${firstValue} AS v, minIf(timestamp, ${entry}) AS t0,
          countIf(${entry}) AS entries, groupArrayIf(${packedStep(entry, from)}, ${entry} OR ${second}) AS xs
        FROM ${src} GROUP BY person_id`,
      keys: [],
      merges: sql`argMinIf(g.v, g.t0, g.entries > 0) AS v, sum(g.entries) AS entries, groupArrayArray(g.xs) AS xs`,
    })}
    WHERE entries > 0
  )`;
}

/**
 * Whether a funnel is computed per person by `twoStepPersons`: two steps over a whole period
 * (daily series use `dailyTwoStepFunnel`), unless a test asks for `windowFunnel` to compare.
 */
export function usesTwoStepPersons(steps: FunnelSteps, o: { daily: boolean; windowFunnelOnly?: boolean | undefined }): boolean {
  return !o.daily && !o.windowFunnelOnly && isTwoStep(steps);
}

/** `windowFunnel`'s level of a group of events (a person, or a person-day): every funnel the array forms do not take. */
export function windowFunnelLevel(conds: readonly Fragment[], windowMs: number): Fragment {
  return sql`windowFunnel(${p.uint64(windowMs)})(toUInt64(toUnixTimestamp64Milli(timestamp)), ${sql.join([...conds])})`;
}
