import { type Fragment, sql } from '../../sql/index.js';

/**
 * A person's best funnel attempt, written as ClickHouse array expressions.
 *
 * Input: `evs`, the person's events sorted by (ts, mask, …), each a tuple
 * `(ts Int64 ms, mask UInt32, deadline Int64 ms, val String)`. Bit k of `mask` says the
 * event matches step k (bit 0 only inside the date range: only those events may start an
 * attempt), bit N + j that it matches exclusion j, bit 31 (unordered only) that it may start
 * an attempt; `deadline` = ts + window, the deadline of an attempt this event starts.
 * Output: `(times Array(Int64), vals Array(String))`, the step times and breakdown values of
 * the best attempt (empty when no attempt survived).
 *
 * Why not `windowFunnel`: in its default mode one event can satisfy several steps (a funnel
 * `$pageview → $pageview` converts everybody), 'strict_increase' refuses two different steps
 * in the same millisecond, and it knows no exclusions, unordered steps or breakdown
 * attribution, nor which attempt it counted.
 *
 * Why not one `arrayFold` state machine over the events: arrayFold runs its lambda per row
 * and per element, so a lambda of a few hundred nodes costs ~200 µs per event (measured:
 * 3.6 s for 17 k events). Everything here is arrayMap / arrayFilter / arrayFirst, which
 * ClickHouse evaluates over whole columns at once.
 *
 * The algorithm: every event that may start opens a candidate attempt; for ordered funnels
 * the attempt takes, step by step, the earliest event after the previous step's event that
 * matches the next step and is within the deadline (greedy earliest is optimal for a fixed
 * start: a later choice never lets a later step match more). "After" is by position in the
 * sorted array, so events in the same millisecond count in step order (sorted by mask, the
 * lower step first), and one event never satisfies two steps of one attempt: a repeated step
 * (`view → view`) needs two events. The deadline is inclusive (PostHog: an event exactly at
 * the window's edge converts). Strict funnels take the very next event of the person
 * instead (any other event in between ends the attempt). Exclusions remove an attempt (not
 * the person). The best attempt goes furthest; ties keep the earliest start.
 */

export interface FoldExclusion {
  /** Bit index in the event mask. */
  bit: number;
  fromStep: number;
  toStep: number;
}

/** Bit of the event mask saying "inside the date range and matches some step" (unordered starts). */
export const START_BIT = 31;

const n = (k: number) => sql.trusted(String(k));

/**
 * Let-binding for ClickHouse expressions (which have none): `arrayMap(name -> body, [value])[1]`.
 * The value is computed once and the expression text stays linear.
 */
function bind(name: string, value: Fragment, body: Fragment): Fragment {
  return sql`arrayMap(${sql.trusted(name)} -> ${body}, [${value}])[1]`;
}

/** Q[b + 1] = positions (1-based, ascending) of the events with mask bit b. */
function positions(bits: readonly number[]): Fragment {
  return sql`[${sql.join(bits.map((b) => sql`arrayFilter(x -> bitTest(evs[x].2, ${n(b)}), arrayEnumerate(evs))`))}]`;
}

/**
 * An attempt (positions array `a`, in time order) survives the exclusions: for each, no
 * exclusion event strictly after the attempt's fromStep event and strictly before its toStep
 * event (or at or before the deadline `dl` when it never got there).
 */
function survives(exclusions: readonly FoldExclusion[], q: (bit: number) => Fragment): Fragment {
  if (!exclusions.length) return sql`1`;
  const hits = exclusions.map(
    (x) => sql`(length(a) > ${n(x.fromStep)} AND arrayExists(y -> evs[y].1 > evs[a[${n(x.fromStep + 1)}]].1
      AND if(length(a) > ${n(x.toStep)}, evs[y].1 < evs[a[${n(x.toStep + 1)}]].1, evs[y].1 <= dl), ${q(x.bit)}))`,
  );
  return sql`NOT (${sql.join(hits, ' OR ')})`;
}

/**
 * Ordered and strict funnels: per start position `s`, the positions of the attempt's step
 * events. Steps are unrolled in code (N ≤ 20), each bound once with `bind`.
 */
function orderedAttempt(steps: number, strict: boolean, q: (bit: number) => Fragment): Fragment {
  const names = Array.from({ length: steps }, (_, k) => `j${k}`);
  let body: Fragment = sql`arrayFilter(x -> x > 0, [${sql.join(names.map((v) => sql.trusted(v)))}])`;
  for (let k = steps - 1; k >= 1; k--) {
    const prev = sql.trusted(names[k - 1]!);
    const next = strict
      ? sql`if(${prev} > 0 AND ${prev} < length(evs) AND bitTest(evs[${prev} + 1].2, ${n(k)}) AND evs[${prev} + 1].1 <= dl, ${prev} + 1, 0)`
      : sql`if(${prev} > 0, arrayFirst(x -> x > ${prev} AND evs[x].1 <= dl, ${q(k)}), 0)`;
    body = bind(names[k]!, next, body);
  }
  return bind('j0', sql`s`, body);
}

/**
 * Unordered funnels: per start position `s`, each step is done by its r-th matching event
 * in the window [s, deadline], r being the step's rank among identical steps (so identical
 * steps need distinct events); the attempt is the done steps' events in time order, so its
 * "step k" is its (k+1)-th completed step, whatever step that was.
 */
function unorderedAttempt(ranks: readonly number[], q: (bit: number) => Fragment): Fragment {
  const done = ranks.map((r, k) => sql`arrayFilter(x -> x >= s AND evs[x].1 <= dl, ${q(k)})[${n(r)}]`);
  return sql`arraySort(arrayFilter(x -> x > 0, [${sql.join(done)}]))`;
}

export interface BestAttemptOptions {
  steps: number;
  order: 'ordered' | 'strict' | 'unordered';
  exclusions: readonly FoldExclusion[];
  /** Unordered: each step's 1-based rank among the steps with the same definition. */
  ranks?: readonly number[];
}

/** The best attempt of the person whose events are `evs`: `(times, vals)`. */
export function bestAttempt(o: BestAttemptOptions): Fragment {
  const bits = [...Array(o.steps).keys(), ...o.exclusions.map((x) => x.bit)];
  const startBit = o.order === 'unordered' ? START_BIT : 0;
  if (o.order === 'unordered') bits.push(START_BIT);
  const q = (bit: number) => sql`Q[${n(bits.indexOf(bit) + 1)}]`;
  const attempt = o.order === 'unordered' ? unorderedAttempt(o.ranks ?? Array(o.steps).fill(1), q) : orderedAttempt(o.steps, o.order === 'strict', q);
  // Per start: its attempt when it survives the exclusions, else [].
  const perStart = sql`arrayMap(s -> ${bind('dl', sql`evs[s].3`, bind('a', attempt, sql`if(${survives(o.exclusions, q)}, a, [])`))}, ${q(startBit)})`;
  const best = bind('A', perStart, sql`arrayFirst(a -> length(a) = arrayMax(arrayMap(a -> length(a), A)), A)`);
  return bind('Q', positions(bits), bind('b', best, sql`(arrayMap(x -> evs[x].1, b), arrayMap(x -> evs[x].4, b))`));
}
