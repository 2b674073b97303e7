import { type Fragment, p, sql } from '../../sql/index.js';
import { breakdownValue, OTHER } from '../shared/breakdown.js';
import type { ResolvedRange } from '../shared/date-range.js';
import { compileFilters } from '../shared/filters.js';
import { eventsWithPersons, personOverrides } from '../shared/persons.js';
import { bestAttempt, type FoldExclusion, START_BIT } from './fold.js';
import type { FunnelSpec, WindowUnit } from './schema.js';

const ADD: Record<WindowUnit, string> = {
  second: 'addSeconds',
  minute: 'addMinutes',
  hour: 'addHours',
  day: 'addDays',
  week: 'addWeeks',
  month: 'addMonths',
};

/** `ts + window` in SQL (calendar months are counted in UTC). */
export function addWindow(ts: Fragment, w: FunnelSpec['window']): Fragment {
  return sql`${sql.trusted(ADD[w.unit])}(${ts}, ${p.uint32(w.value)})`;
}

/** The same in JS: the end of the data a funnel over `range` reads. */
export function windowEnd(to: Date, w: FunnelSpec['window']): Date {
  const d = new Date(to);
  const ms: Record<Exclude<WindowUnit, 'month'>, number> = { second: 1e3, minute: 6e4, hour: 36e5, day: 864e5, week: 6048e5 };
  if (w.unit === 'month') d.setUTCMonth(d.getUTCMonth() + w.value);
  else d.setTime(d.getTime() + w.value * ms[w.unit]);
  return d;
}

/**
 * Positions of the fields in a person's event tuples: `(ts, mask[, val][, deadline])` — the
 * value only with a breakdown, the deadline only for calendar-month windows (every other
 * window is a fixed number of milliseconds added in the fold).
 */
export function layout(spec: FunnelSpec): { val?: number; deadline?: number; fields: string[] } {
  const fields = ['ts', 'mask', ...(spec.breakdown ? ['val'] : []), ...(spec.window.unit === 'month' ? ['deadline'] : [])];
  const at = (f: string) => (fields.includes(f) ? fields.indexOf(f) + 1 : undefined);
  const out: { val?: number; deadline?: number; fields: string[] } = { fields };
  if (at('val')) out.val = at('val');
  if (at('deadline')) out.deadline = at('deadline');
  return out;
}

export function usesPersonProps(spec: FunnelSpec): boolean {
  return [...spec.steps, ...spec.exclusions].some((s) => s.filters.some((f) => f.type === 'person')) || spec.breakdown?.type === 'person';
}

/**
 * The events a funnel reads, with persons resolved: the named events (every event for
 * strict funnels) from the range's start to its end plus the window. Only persons who
 * entered (a step-0 event in the range) need their events collected: typically a minority
 * of those with any step event (returning persons doing later steps), so the scan keeps only
 * their events. The test is on the person written at ingest, before the identity join: an
 * entrant's events carry the entrant's own id or an id merged into it. `unresolvedPersons`:
 * `person_id` as written at ingest (see eventsWithPersons), for a caller that resolves
 * persons after grouping.
 */
export function funnelSource(spec: FunnelSpec, projectId: string, range: ResolvedRange, o: { unresolvedPersons?: boolean } = {}): Fragment {
  const names = [...new Set([...spec.steps.map((s) => s.event), ...spec.exclusions.map((x) => x.event)])];
  const step0 = spec.steps[0]!;
  const entrants = eventsWithPersons({ projectId, range, events: [step0.event], withPersonProperties: usesPersonProps(spec) });
  // Each entrant with the ids merged into it, from one read of the entrants (as a UNION of
  // the entrants and the merged ids whose person is IN the entrants, the entrants were read
  // twice: ~0.2 s each for a quarter of the 100 M demo).
  const ingestIds = sql`SELECT arrayJoin(arrayPushFront(m.olds, e.person_id)) FROM (
      SELECT DISTINCT person_id FROM ${entrants} WHERE ${compileFilters(step0.filters)}
    ) AS e
    LEFT ANY JOIN (SELECT override_person_id, groupArray(old_person_id) AS olds FROM ${personOverrides(projectId)} GROUP BY override_person_id) AS m
    ON m.override_person_id = e.person_id`;
  return eventsWithPersons({
    projectId,
    range: { from: range.from, to: windowEnd(range.to, spec.window) },
    ...(spec.order === 'strict' ? {} : { events: names }),
    withPersonProperties: usesPersonProps(spec),
    ...(spec.order === 'unordered' ? {} : { ingestPersonIn: ingestIds }),
    ...(o.unresolvedPersons ? { unresolvedPersons: true } : {}),
  });
}

/**
 * One row per event that matters to the funnel: `(person_id, ts, mask, deadline, val)`.
 * Step-0 matches count only inside the date range (only they may start an attempt); later
 * steps and exclusions are read up to the range's end plus the window, so a person who
 * entered on the last day still has the whole window to convert. Ordered and unordered
 * funnels read only the named events (the sort key's `event` column prunes the rest);
 * strict funnels read every event of the person, because any other event breaks a strict
 * sequence.
 */
export function funnelEvents(spec: FunnelSpec, projectId: string, range: ResolvedRange, top?: readonly string[]): Fragment {
  const n = spec.steps.length;
  const inRange = sql`timestamp < ${p.dateTime(range.to)}`;
  const stepBits = spec.steps.map((s, k) => {
    const match = sql`event = ${p.string(s.event)} AND ${compileFilters(s.filters)}`;
    return k === 0 && spec.order !== 'unordered' ? sql`((${match}) AND ${inRange})` : sql`(${match})`;
  });
  const bits = [
    ...stepBits.map((b, k) => sql`bitShiftLeft(toUInt32(${b}), ${sql.trusted(String(k))})`),
    ...spec.exclusions.map(
      (x, j) => sql`bitShiftLeft(toUInt32(event = ${p.string(x.event)} AND ${compileFilters(x.filters)}), ${sql.trusted(String(n + j))})`,
    ),
  ];
  if (spec.order === 'unordered') {
    bits.push(sql`bitShiftLeft(toUInt32((${sql.join(stepBits, ' OR ')}) AND ${inRange}), ${sql.trusted(String(START_BIT))})`);
  }
  // The breakdown value travels as its 1-based index in `top` (0 = "Other"): a UInt8 is far
  // cheaper than a string to collect, sort and copy per person. Decoded at the end.
  const val = spec.breakdown ? sql`toUInt8(indexOf(${p.strings(top ?? [])}, ${breakdownValue(spec.breakdown)}))` : sql`toUInt8(0)`;
  const source = funnelSource(spec, projectId, range);
  const mask = sql.join(bits, ' + ');
  // Calendar months vary in length; every other unit is a fixed number of milliseconds.
  const deadline = spec.window.unit === 'month' ? sql`toUnixTimestamp64Milli(${addWindow(sql`timestamp`, spec.window)})` : sql`0`;
  const conditions = spec.order === 'strict' ? [] : [sql`mask != 0`];
  return sql`SELECT person_id, toUnixTimestamp64Milli(timestamp) AS ts, toUInt32(${mask}) AS mask,
      ${deadline} AS deadline, ${val} AS val
    FROM ${source}
    ${conditions.length ? sql`WHERE ${sql.join(conditions, ' AND ')}` : sql.empty}`;
}

/**
 * One row per person and breakdown value: `(person_id, bv, times, vals)`, `times` being
 * the step times of the person's best attempt (`length(times) - 1` = the furthest step
 * reached, 0-based; empty when no attempt survived).
 *
 * Breakdown attribution: first / last touch take the value of the best attempt's first /
 * last reached step. `all_events` computes one funnel per value the person entered with,
 * in which only events carrying that value count as steps; `step` computes one funnel per
 * value the person's step-n events carry, in which step n must carry that value (a person
 * without any step-n event is attributed by their first step-0 event). In those two modes
 * a person can appear under several values.
 */
export function funnelPersons(spec: FunnelSpec, projectId: string, range: ResolvedRange, top?: readonly string[]): Fragment {
  const n = spec.steps.length;
  const exclusions: FoldExclusion[] = spec.exclusions.map((x, j) => ({ bit: n + j, fromStep: x.fromStep, toStep: x.toStep }));
  const attribution = spec.breakdown?.attribution;
  // Unordered: identical steps (same event and filters) need distinct events.
  const keys = spec.steps.map((st) => JSON.stringify([st.event, st.filters]));
  const ranks = keys.map((key, k) => keys.slice(0, k + 1).filter((x) => x === key).length);
  const L = layout(spec);
  const fold = bestAttempt({
    steps: n,
    order: spec.order,
    exclusions,
    ranks,
    ...(attribution === 'first_touch' || attribution === 'last_touch' ? { valField: L.val! } : {}),
    ...(L.deadline ? { deadlineField: L.deadline } : { windowMs: windowEnd(new Date(0), spec.window).getTime() }),
  });
  const f = (i: number | undefined) => sql.trusted(`e.${i}`);
  // A copy of event tuple `e` with its mask replaced.
  const withMask = (mask: Fragment) => sql`(e.1, ${mask}${sql.join(L.fields.slice(2).map((_, i) => sql`, ${f(i + 3)}`), '')})`;

  // The events each breakdown value's funnel sees (per-value funnels clear foreign step bits).
  let perValue: Fragment = sql`SELECT person_id, toUInt8(0) AS bv, evs FROM grouped`;
  if (attribution === 'all_events') {
    // Events of other values keep only their exclusion bits.
    const keep = spec.order === 'unordered' ? 2 ** START_BIT - 2 ** n : 2 ** 32 - 2 ** n;
    perValue = sql`SELECT person_id, bv,
        arrayMap(e -> if(${f(L.val)} = bv, e, ${withMask(sql`bitAnd(e.2, ${p.uint32(keep)})`)}), evs) AS evs
      FROM (SELECT person_id, evs, bv FROM grouped ARRAY JOIN arrayDistinct(arrayMap(e -> ${f(L.val)}, arrayFilter(e -> bitTest(e.2, ${sql.trusted(spec.order === 'unordered' ? String(31) : '0')}), evs))) AS bv)`;
  } else if (attribution === 'step') {
    const k = sql.trusted(String(spec.breakdown!.step));
    const clear = p.uint32(2 ** 32 - 1 - 2 ** spec.breakdown!.step!);
    perValue = sql`SELECT person_id, bv, arrayMap(e -> if(${f(L.val)} = bv, e, ${withMask(sql`bitAnd(e.2, ${clear})`)}), evs) AS evs
      FROM (SELECT person_id, evs, bv FROM grouped ARRAY JOIN if(
        arrayExists(e -> bitTest(e.2, ${k}), evs),
        arrayDistinct(arrayMap(e -> ${f(L.val)}, arrayFilter(e -> bitTest(e.2, ${k}), evs))),
        [arrayFirst(e -> bitTest(e.2, 0), evs).${sql.trusted(String(L.val))}]) AS bv)`;
  }
  const idx = attribution === 'first_touch' ? sql`best.2[1]` : attribution === 'last_touch' ? sql`best.2[-1]` : sql`bv`;
  const bvOut = spec.breakdown ? sql`if(${idx} = 0, ${p.string(OTHER)}, ${p.strings(top ?? [])}[${idx}])` : sql`''`;
  // Events sorted by time, then by their lowest step bit (same-millisecond events count in
  // step order; an event matching nothing sorts last: its "lowest bit" is 63), then by
  // value, as one integer key (ms × 64 × 256 stays far below 2^63).
  const sortKey = sql`(x.1 * 64 + bitCount(bitXor(x.2, x.2 - 1)) - 1) * 256${L.val ? sql` + x.${sql.trusted(String(L.val))}` : sql.empty}`;
  const startBit = spec.order === 'unordered' ? START_BIT : 0;
  // One numeric array per field, zipped after grouping: collecting a tuple per event goes
  // through the generic (per-value) column path and cost 3× as much as plain numbers (the
  // 100 M demo's five-step funnel over a quarter: 7.8 → 6.2–6.5 s, same counts).
  const collected = sql.trusted(`arrayZip(${L.fields.map((x) => `groupArray(${x})`).join(', ')})`);
  return sql`
    WITH grouped AS (
      SELECT person_id, arraySort(x -> ${sortKey}, ${collected}) AS evs
      FROM (${funnelEvents(spec, projectId, range, top)})
      GROUP BY person_id
      HAVING bitTest(groupBitOr(mask), ${sql.trusted(String(startBit))})
    ),
    folded AS (
      SELECT person_id, ${fold} AS best, bv FROM (${perValue})
    )
    SELECT person_id, ${bvOut} AS bv, best.1 AS times FROM folded WHERE notEmpty(best.1)`;
}
