import { type Fragment, sql } from '../../sql/index.js';

/**
 * A person's best funnel attempt, written as ClickHouse array expressions.
 *
 * Input: `evs`, the person's events sorted by (ts, lowest step bit, value), each a tuple
 * `(ts Int64 ms, mask UInt32[, val UInt8][, deadline Int64 ms])` (see `layout` in
 * source.ts). Bit k of `mask` says the event matches step k (bit 0 only inside the date
 * range: only those events may start an attempt), bit N + j that it matches exclusion j,
 * bit 31 (unordered only) that it may start an attempt; `deadline` = ts + window, carried
 * only for calendar-month windows. `val` is the breakdown value's index in the top values.
 * Output: `(times Array(Int64), vals Array(UInt8))`, the step times and breakdown values of
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
export function bind(name: string, value: Fragment, body: Fragment): Fragment {
  return sql`arrayMap(${sql.trusted(name)} -> ${body}, [${value}])[1]`;
}

/**
 * Q[b + 1] = the events with mask bit b, as tuples `(pos, ts[, deadline][, val])` in time
 * order (`pos` = 1-based position in `evs`). Lambdas below never capture `evs` itself: a
 * captured array column is replicated once per element of the array being mapped, which
 * turns a linear pass into a quadratic one (measured: 5× the whole query at 10 M events).
 */
function positions(bits: readonly number[], o: BestAttemptOptions): Fragment {
  // Only what the attempt needs travels in the tuples: every captured copy costs.
  const field = (i: number) => sql.trusted(`e.${i}`);
  const extra = [...(o.deadlineField ? [field(o.deadlineField)] : []), ...(o.valField ? [field(o.valField)] : [])];
  const r = sql`arrayMap((e, i) -> (toUInt32(i), e.1${sql.join(extra.map((x) => sql`, ${x}`), '')}), evs, arrayEnumerate(evs))`;
  const masks = sql`arrayMap(e -> e.2, evs)`;
  return sql`[${sql.join(bits.map((b) => sql`arrayFilter((r, m) -> bitTest(m, ${n(b)}), ${r}, ${masks})`))}]`;
}

/**
 * An attempt (event tuples `a`, in time order) survives the exclusions: for each, no
 * exclusion event strictly after the attempt's fromStep event and strictly before its toStep
 * event (or at or before the deadline `dl` when it never got there).
 */
function survives(exclusions: readonly FoldExclusion[], q: (bit: number) => Fragment): Fragment {
  if (!exclusions.length) return sql`1`;
  const hits = exclusions.map(
    (x) => sql`(length(a) > ${n(x.fromStep)} AND arrayExists(y -> y.2 > a[${n(x.fromStep + 1)}].2
      AND if(length(a) > ${n(x.toStep)}, y.2 < a[${n(x.toStep + 1)}].2, y.2 <= dl), ${q(x.bit)}))`,
  );
  return sql`NOT (${sql.join(hits, ' OR ')})`;
}

/**
 * Ordered and strict funnels: per start event `s`, the attempt's step events. Steps are
 * unrolled in code (N ≤ 20), each bound once with `bind`; a missing step is the default
 * tuple (pos 0), and every later step is then missing too.
 */
function orderedAttempt(steps: number, strict: boolean, q: (bit: number) => Fragment): Fragment {
  const names = Array.from({ length: steps }, (_, k) => `j${k}`);
  let body: Fragment = sql`arrayFilter(t -> t.1 > 0, [${sql.join(names.map((v) => sql.trusted(v)))}])`;
  for (let k = steps - 1; k >= 1; k--) {
    const prev = sql.trusted(names[k - 1]!);
    const cond = strict ? sql`r.1 = ${prev}.1 + 1` : sql`r.1 > ${prev}.1`;
    body = bind(names[k]!, sql`arrayFirst(r -> ${prev}.1 > 0 AND ${cond} AND r.2 <= dl, ${q(k)})`, body);
  }
  return bind('j0', sql`s`, body);
}

/**
 * Unordered funnels: per start event `s`, each step is done by its r-th matching event in
 * the window [s, deadline], r being the step's rank among identical steps (so identical
 * steps need distinct events); the attempt is the done steps' events in time order, so its
 * "step k" is its (k+1)-th completed step, whatever step that was.
 */
function unorderedAttempt(ranks: readonly number[], q: (bit: number) => Fragment): Fragment {
  const done = ranks.map((r, k) => sql`arrayFilter(r -> r.1 >= s.1 AND r.2 <= dl, ${q(k)})[${n(r)}]`);
  return sql`arraySort(t -> t.1, arrayFilter(t -> t.1 > 0, [${sql.join(done)}]))`;
}

export interface BestAttemptOptions {
  steps: number;
  /** The window in ms when fixed (every unit but month) … */
  windowMs?: number;
  /** … else the field of the event tuple holding each event's deadline. */
  deadlineField?: number;
  /** The field holding the breakdown value, when the attempt's values are needed (first / last touch). */
  valField?: number;
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
  const deadline = o.deadlineField ? sql`s.3` : sql`s.2 + ${n(o.windowMs ?? 0)}`;
  const perStart = sql`arrayMap(s -> ${bind('dl', deadline, bind('a', attempt, sql`if(${survives(o.exclusions, q)}, a, [])`))}, ${q(startBit)})`;
  const best = bind('A', perStart, sql`arrayFirst(a -> length(a) = arrayMax(arrayMap(a -> length(a), A)), A)`);
  const vals = o.valField ? sql`arrayMap(t -> t.${n(o.deadlineField ? 4 : 3)}, b)` : sql`CAST([], 'Array(UInt8)')`;
  return bind('Q', positions(bits, o), bind('b', best, sql`(arrayMap(t -> t.2, b), ${vals})`));
}
