import { type Fragment, sql } from '../../sql/index.js';

/**
 * The per-person funnel state machine, written as ClickHouse array expressions.
 *
 * Input: `evs`, a person's events sorted by (ts, mask, …), each a tuple
 * `(ts Int64 ms, mask UInt32, deadline Int64 ms, val String)`: bit k of `mask` says the
 * event matches step k (bit 0 only for events inside the date range: only those can start
 * an attempt), bit N + j that it matches exclusion j; `deadline` is ts + window, the
 * deadline of an attempt this event would start.
 * Output: a tuple `(times Array(Int64), vals Array(String))` — the step times and
 * breakdown values of the person's best attempt (empty when none survived).
 *
 * Why not `windowFunnel`: in its default mode one event can satisfy several steps (a funnel
 * `$pageview → $pageview` converts everybody), 'strict_increase' refuses two different steps
 * in the same millisecond, and it knows no exclusions, unordered steps or breakdown
 * attribution, nor which attempt it counted. So the state machine is spelled out here.
 */

export interface FoldExclusion {
  /** Bit index in the event mask. */
  bit: number;
  fromStep: number;
  toStep: number;
}

const n = (k: number) => sql.trusted(String(k));
const EMPTY_TIMES = sql`CAST([], 'Array(Int64)')`;
const EMPTY_VALS = sql`CAST([], 'Array(String)')`;

/**
 * Ordered and strict funnels, one `arrayFold` over the person's events.
 *
 * State `acc` = (S, D, V, BT, BV). Slot k of S holds the step times of the attempt that has
 * reached step k (steps 0..k), D its deadline, V the breakdown values of its step events;
 * BT / BV the best attempt recorded so far. Per event, from the state before it:
 *
 * 1. Expiry and exclusions. A slot whose deadline has passed is final: it is a candidate
 *    for the best attempt and leaves its slot. A slot k with an exclusion j such that
 *    fromStep ≤ k < toStep, whose fromStep happened strictly before this exclusion event
 *    and whose window is still open, is removed: that attempt no longer exists (the person
 *    may still convert through another attempt).
 * 2. Advance. Slot k takes slot k−1's attempt plus this event when the event matches step k
 *    and slot k−1's window is still open (deadline inclusive: an event exactly at the
 *    window's edge converts, as in PostHog). Every slot is computed from the state before
 *    the event, so one event advances an attempt by at most one step: a repeated step
 *    (`$pageview → $pageview`) needs two events. A step-0 event opens a new attempt.
 *    In ordered mode slot k is replaced only by an attempt that started strictly later —
 *    a later start leaves more window for the following steps, and keeping the incumbent
 *    on ties keeps the earliest step times. In strict mode a slot that does not advance
 *    is emptied: any other event of the person between two steps breaks the attempt.
 * 3. Best. The deepest candidate improves BT when it goes further (ties keep the earlier
 *    attempt): expired slots (step 1) and, after step 2, slots no exclusion can still
 *    remove. Slots still at risk of an exclusion become candidates only when they expire
 *    or when the fold ends (see `finishOrdered`).
 */
export function orderedFold(steps: number, strict: boolean, exclusions: readonly FoldExclusion[], withVals: boolean): Fragment {
  const S = (k: number) => sql`acc.1[${n(k + 1)}]`;
  const D = (k: number) => sql`acc.2[${n(k + 1)}]`;
  const V = (k: number) => sql`acc.3[${n(k + 1)}]`;
  const live = (k: number) => sql`notEmpty(${S(k)})`;
  const expired = (k: number) => sql`(${live(k)} AND x.1 > ${D(k)})`;
  const excluded = (k: number): Fragment => {
    const hits = exclusions
      .filter((x) => x.fromStep <= k && k < x.toStep)
      .map((x) => sql`(bitTest(x.2, ${n(x.bit)}) AND x.1 <= ${D(k)} AND ${S(k)}[${n(x.fromStep + 1)}] < x.1)`);
    return hits.length ? sql.join(hits, ' OR ') : sql`0`;
  };
  // Whether slot k survives step 1.
  const keep = (k: number) => sql`(${live(k)} AND NOT ${expired(k)} AND NOT (${excluded(k)}))`;
  const safe = (k: number) => !exclusions.some((x) => x.fromStep <= k && k < x.toStep);

  const adv = (k: number): Fragment => {
    if (k === 0) return sql`bitTest(x.2, 0)`;
    const base = sql`bitTest(x.2, ${n(k)}) AND ${keep(k - 1)}`;
    return strict ? base : sql`(${base} AND (NOT ${keep(k)} OR ${S(k - 1)}[1] > ${S(k)}[1]))`;
  };
  const stay = (k: number, cur: Fragment, empty: Fragment) => (strict ? empty : sql`if(${keep(k)}, ${cur}, ${empty})`);
  const newS = (k: number) =>
    k === 0 ? sql`if(${adv(0)}, [x.1], ${stay(0, S(0), EMPTY_TIMES)})` : sql`if(${adv(k)}, arrayPushBack(${S(k - 1)}, x.1), ${stay(k, S(k), EMPTY_TIMES)})`;
  const newD = (k: number) => (k === 0 ? sql`if(${adv(0)}, x.3, ${D(0)})` : sql`if(${adv(k)}, ${D(k - 1)}, ${D(k)})`);
  const newV = (k: number) =>
    k === 0 ? sql`if(${adv(0)}, [x.4], ${stay(0, V(0), EMPTY_VALS)})` : sql`if(${adv(k)}, arrayPushBack(${V(k - 1)}, x.4), ${stay(k, V(k), EMPTY_VALS)})`;

  const ks = [...Array(steps).keys()];
  const desc = [...ks].reverse();
  // Candidates for the best attempt, deepest first; the first that goes further than BT wins.
  const branches: Fragment[] = [];
  for (const k of desc) {
    branches.push(sql`${expired(k)} AND length(acc.4) <= ${n(k)}`, sql`(${S(k)}, ${withVals ? V(k) : sql`acc.5`})`);
    if (safe(k)) branches.push(sql`${adv(k)} AND length(acc.4) <= ${n(k)}`, sql`(${newS(k)}, ${withVals ? newV(k) : sql`acc.5`})`);
  }
  const best = sql`multiIf(${sql.join(branches)}, (acc.4, acc.5))`;

  const state = sql`(
      [${sql.join(ks.map(newS))}],
      [${sql.join(ks.map(newD))}],
      ${withVals ? sql`[${sql.join(ks.map(newV))}]` : sql`acc.3`},
      ${best}.1,
      ${best}.2
    )`;
  const init = sql`(
      CAST(arrayResize([], ${n(steps)}, []), 'Array(Array(Int64))'),
      CAST(arrayResize([], ${n(steps)}, 0), 'Array(Int64)'),
      CAST(arrayResize([], ${withVals ? n(steps) : n(0)}, []), 'Array(Array(String))'),
      ${EMPTY_TIMES},
      ${EMPTY_VALS}
    )`;
  return sql`arrayFold((acc, x) -> ${state}, evs, ${init})`;
}

/**
 * The final best attempt of an ordered / strict fold, from its state `f`: the slots left
 * at the end were never removed by an exclusion inside their window, so the deepest of
 * them competes with the recorded best (ties keep the recorded, earlier, attempt).
 */
export function finishOrdered(f: Fragment, steps: number): Fragment {
  const branches: Fragment[] = [];
  for (let k = steps - 1; k >= 0; k--) {
    branches.push(sql`notEmpty(${f}.1[${n(k + 1)}]) AND length(${f}.4) <= ${n(k)}`, sql`(${f}.1[${n(k + 1)}], ${f}.3[${n(k + 1)}])`);
  }
  return sql`multiIf(${sql.join(branches)}, (${f}.4, ${f}.5))`;
}

/** Bit of the event mask saying "inside the date range and matches some step" (unordered starts). */
export const START_BIT = 31;

/**
 * Unordered funnels. Every event that may start (inside the range, matching some step)
 * opens a candidate attempt; the attempt collects, in time order within its window
 * (deadline inclusive), each event for the lowest-numbered step it matches that is not yet
 * done — so identical steps need as many events. Its "step k" is its (k+1)-th completed
 * step, whatever step that was: in unordered mode the step counts mean "completed k+1 of
 * the steps". An exclusion j removes the attempt when it happens strictly after the
 * attempt's (fromStep+1)-th completion and strictly before its (toStep+1)-th (or before
 * the deadline when it never got there). The best attempt goes furthest; ties keep the
 * earliest start. Cost: quadratic in the person's matching events, which is why the
 * ordered modes use a single pass.
 */
export function unorderedFold(steps: number, exclusions: readonly FoldExclusion[]): Fragment {
  const stepsMask = n(2 ** steps - 1);
  const grow = sql`if(y.1 <= s.3 AND bitAnd(bitAnd(y.2, ${stepsMask}), bitNot(acc.1)) != 0,
      (bitOr(acc.1, bitAnd(bitAnd(bitAnd(y.2, ${stepsMask}), bitNot(acc.1)), toUInt32(bitNot(bitAnd(bitAnd(y.2, ${stepsMask}), bitNot(acc.1))) + 1))),
       arrayPushBack(acc.2, y.1), arrayPushBack(acc.3, y.4)),
      acc)`;
  const attempt = sql`arrayFold((acc, y) -> ${grow}, arraySlice(evs, s.6), (toUInt32(0), ${EMPTY_TIMES}, ${EMPTY_VALS}))`;
  const hit = exclusions.map(
    (x) => sql`(length(a.2) > ${n(x.fromStep)} AND arrayExists(y -> bitTest(y.2, ${n(x.bit)}) AND y.1 > a.2[${n(x.fromStep + 1)}]
        AND if(length(a.2) > ${n(x.toStep)}, y.1 < a.2[${n(x.toStep + 1)}], y.1 <= s.3), arraySlice(evs, s.6)))`,
  );
  const checked = hit.length ? sql`if(${sql.join(hit, ' OR ')}, (${EMPTY_TIMES}, ${EMPTY_VALS}), (a.2, a.3))` : sql`(a.2, a.3)`;
  // s = (ts, mask, deadline, val, _, index); a = the attempt's (done, times, vals).
  const perStart = sql`arrayMap(s -> arrayMap(a -> ${checked}, [${attempt}])[1],
      arrayFilter(s -> bitTest(s.2, ${n(START_BIT)}), arrayMap((e, i) -> (e.1, e.2, e.3, e.4, 0, i), evs, arrayEnumerate(evs))))`;
  return sql`arrayFold((b, c) -> if(length(c.1) > length(b.1), c, b), ${perStart}, (${EMPTY_TIMES}, ${EMPTY_VALS}))`;
}
