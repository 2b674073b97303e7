import { FupanError } from '../../core/errors/index.js';
import { type Fragment, p, sql } from '../../sql/index.js';
import type { Filter } from '../shared/filters.js';
import { eventsWithPersons, resolvePersonsOf } from '../shared/persons.js';
import { eventPropertyNumber } from '../shared/properties.js';
import { addDays, daysBetween, startOfLocalDay } from '../shared/time-zone.js';
import { type Atom, compileChannels, EPOCH, firstEventsSource, firstTimes, firstTimesOfFirstEvents, funnelSource, npsResponses, retentionSources, WINDOW_MS } from './compile.js';
import type { SeriesDef } from './schema.js';
import { twoStepFunnel, windowFunnelLevel } from './funnel-two-step.js';
import { activePersonsAnswer, activePersonsSeries } from './active-persons.js';
import { type AtomEnv, eventIs, firstSegments, paidChannels, rawSegments, type Segment, segmentKey, segmentKeyValues, segmentTags, source } from './segment.js';

/**
 * One query for a metric atom split by several dimensions at once (AtomEnv.segments), with
 * the rows of compile.ts's one-dimension queries: `seg` = `i:value` (`i:YYYY-MM-DD|value`
 * for daily series), see MetricEvaluator.prefetch and the test that compares the two.
 *
 * Why a second compiler: building a tag string per dimension for every event and fanning
 * each event out once per dimension cost more than the queries it replaced (measured on
 * the 100 M-event demo: 115 s for one daily funnel over five dimensions). Here each event
 * carries a tuple of the raw dimension columns through the first aggregation (per person,
 * per person-day, or per distinct combination), and the tags are built and fanned out
 * only on the rows that aggregation leaves.
 */
export function compileAtomMulti(atom: Atom, env: AtomEnv & { segments: Segment[] }): Fragment {
  switch (atom.kind) {
    case 'series':
      return series(atom.series, env);
    case 'funnel':
      return funnel(atom, env);
    case 'retention':
      return retention(atom, env);
    case 'channels':
      return compileChannels(atom.measure, env);
    case 'nps': {
      const src = source(env, { from: env.from, to: env.to, events: [atom.event], filters: atom.filters as Filter[], extraWhere: eventIs(atom.event), withoutPersons: true });
      return additive(
        env,
        npsResponses(sql`*`, src, atom.event, atom.property),
        sql`countIf(score >= 9) AS a, count() AS b, countIf(score <= 6) AS c`,
        sql`toFloat64(sum(a)) AS num, toFloat64(sum(b)) AS den, toFloat64(sum(c)) AS x`,
      );
    }
  }
}

type MultiEnv = AtomEnv & { segments: Segment[] };

const byDay = (env: MultiEnv) => env.segments.some((s) => s.byDay);
const localDay = (env: MultiEnv, time: Fragment = sql`timestamp`) => sql`toDate(${time}, ${p.string(env.timeZone)})`;
/** The day a row counts on: its local day for daily series, else one constant day. */
const rowDay = (env: MultiEnv) => (byDay(env) ? localDay(env) : sql`toDate(0)`);
/**
 * `, d` after the other GROUP BY keys for daily series, else nothing: the constant day is
 * selected but not grouped by. Why: a constant among the keys still changes how ClickHouse
 * hashes them; active persons over a quarter by four dimensions (51 M events grouped by
 * key and person) took 10.7 s with it and 8.0 s without (same rows).
 */
const dayKey = (env: MultiEnv) => (byDay(env) ? sql`, d` : sql.empty);
/** `d` of rows grouped with `dayKey`: the inner rows' day, or the constant day again. */
const groupedDay = (env: MultiEnv) => (byDay(env) ? sql`d` : sql`toDate(0) AS d`);
const tags = (env: MultiEnv, raw: Fragment, day: Fragment) => segmentTags(env.segments, raw, day);

/** Sums: partial sums per (dimension values, day), then fanned out and summed per tag. */
function additive(env: MultiEnv, src: Fragment, partial: Fragment, total: Fragment): Fragment {
  return sql`SELECT seg, ${total} FROM (
    SELECT ${rawSegments(env.segments)} AS rv, ${rowDay(env)} AS d, ${partial} FROM ${src} GROUP BY rv${dayKey(env)}
  ) ARRAY JOIN ${tags(env, sql`rv`, sql`d`)} AS seg GROUP BY seg ORDER BY seg`;
}

/**
 * Counts over per-person rows (`inner` has `rv`, `d` and what `partial` reads): tallied
 * per (dimension values, day) first, so only those few rows are fanned out — fanning out
 * every person-day cost half of the daily funnel's 70 s on the 100 M-event demo.
 */
function tallied(env: MultiEnv, inner: Fragment, partial: Fragment, total: Fragment): Fragment {
  return sql`SELECT seg, ${total} FROM (
    SELECT rv, ${groupedDay(env)}, ${partial} FROM (${inner}) GROUP BY rv${dayKey(env)}
  ) ARRAY JOIN ${tags(env, sql`rv`, sql`d`)} AS seg GROUP BY seg ORDER BY seg`;
}

/**
 * As `tallied`, for `inner` rows carrying the dimensions' key `k` (segmentKey) instead of
 * their values: tallied per (key, day), then each key's values joined from `values`
 * (segmentKeyValues) and fanned out.
 */
function talliedByKey(env: MultiEnv, inner: Fragment, values: Fragment, partial: Fragment, total: Fragment): Fragment {
  return sql`SELECT seg, ${total} FROM (
    ${withKeyValues(sql`(SELECT k, ${groupedDay(env)}, ${partial} FROM (${inner}) GROUP BY k${dayKey(env)})`, values)}
  ) ARRAY JOIN ${tags(env, sql`rv`, sql`d`)} AS seg GROUP BY seg ORDER BY seg`;
}

/** Rows with a key `k`, and `rv`: the key's dimension values from `values` (segmentKeyValues). */
function withKeyValues(rows: Fragment, values: Fragment): Fragment {
  return sql`SELECT t.*, m.rv AS rv FROM ${rows} AS t ANY LEFT JOIN ${values} AS m ON m.k = t.k`;
}

/** The project's events over a source's range and events, without the identity join: what `segmentKeyValues` reads. */
function keyRows(env: MultiEnv, range: KeyRange): Fragment {
  return eventsWithPersons({
    projectId: env.projectId,
    range,
    ...(range.events.includes('$any') ? {} : { events: [...new Set(range.events)] }),
    withoutPersons: true,
  });
}

/** Per person: events per (dimension values, day, person), fanned out, then `total` per tag. */
function perPerson(env: MultiEnv, src: Fragment, range: KeyRange, total: Fragment): Fragment {
  return sql`SELECT seg, ${total} FROM (${perPersonRows(env, src, range)}) ARRAY JOIN ${tags(env, sql`rv`, sql`d`)} AS seg GROUP BY seg ORDER BY seg`;
}

/** What `segmentKeyValues` reads: the range and events of the source. */
type KeyRange = { from: Date; to: Date; events: readonly string[] };

/**
 * Rows `rv, d, person_id, c` from `src` with unresolved persons (`source(…, unresolved)`):
 * grouped by the ingest-time person, then each group's person resolved (`resolvePersonsOf`;
 * the callers count distinct persons or regroup, so groups of one merged person need not be
 * merged here). With event dimensions the grouping is by their key and the values are
 * joined on the grouped rows. On the 100 M-event demo, active persons over a quarter by four
 * dimensions: 21 s with per-event resolution and string tuples, 17.5 s with the key.
 */
function perPersonRows(env: MultiEnv, src: Fragment, range: KeyRange): Fragment {
  const key = segmentKey(env.segments);
  if (!key) return resolvePersonsOf(env.projectId, sql`SELECT ${rawSegments(env.segments)} AS rv, ${rowDay(env)} AS d, person_id, count() AS c FROM ${src} GROUP BY rv${dayKey(env)}, person_id`);
  const rows = resolvePersonsOf(env.projectId, sql`SELECT ${key} AS k, ${rowDay(env)} AS d, person_id, count() AS c FROM ${src} GROUP BY k${dayKey(env)}, person_id`);
  return withKeyValues(rows, segmentKeyValues(env.segments, keyRows(env, range)));
}

function series(s: SeriesDef, env: MultiEnv): Fragment {
  if (activePersonsAnswer(s, env)) return activePersonsSeries(s, env);
  const extra = s.paidChannelsOnly ? paidChannels(env) : undefined;
  const baseOptions = (from: Date) => ({ from, to: env.to, events: [s.event], filters: s.filters as Filter[], extraWhere: extra ? sql`${eventIs(s.event)} AND ${extra}` : eventIs(s.event) });
  const base = (from: Date) => source(env, baseOptions(from));
  /** For per-person rows, which resolve persons after grouping (perPersonRows). */
  const unresolved = source(env, { ...baseOptions(env.from), unresolved: true });
  /** For event counts and sums, which read no person: no identity join. */
  const events = source(env, { ...baseOptions(env.from), withoutPersons: true });
  const range: KeyRange = { from: env.from, to: env.to, events: [s.event] };
  const raw = rawSegments(env.segments);
  switch (s.math) {
    case 'total':
      return additive(env, events, sql`count() AS a`, sql`toFloat64(sum(a)) AS num, 1 AS den, 0 AS x`);
    case 'sum':
    case 'avg': {
      const v = eventPropertyNumber(s.event, s.property!);
      return additive(env, sql`(SELECT *, ${v} AS v FROM ${events})`, sql`sum(assumeNotNull(ifNull(v, 0))) AS a, count(v) AS b`, sql`toFloat64(sum(a)) AS num, toFloat64(sum(b)) AS den, 0 AS x`);
    }
    case 'unique_persons':
      return perPerson(env, unresolved, range, sql`toFloat64(uniqExact(person_id)) AS num, 1 AS den, 0 AS x`);
    case 'per_person_avg':
      return perPerson(env, unresolved, range, sql`toFloat64(sum(c)) AS num, toFloat64(uniqExact(person_id)) AS den, 0 AS x`);
    case 'repeat_persons':
      return sql`SELECT seg, toFloat64(countIf(n >= 2)) AS num, toFloat64(count()) AS den, 0 AS x FROM (
        SELECT seg, person_id, sum(c) AS n FROM (${perPersonRows(env, unresolved, range)}) ARRAY JOIN ${tags(env, sql`rv`, sql`d`)} AS seg GROUP BY seg, person_id
      ) GROUP BY seg ORDER BY seg`;
    case 'first_time': {
      // Every matching event before the period's end: the person's first one must fall inside.
      const day = byDay(env) ? localDay(env, sql`first`) : sql`toDate(0)`;
      const partial = sql`count() AS a`;
      const total = sql`toFloat64(sum(a)) AS num, 1 AS den, 0 AS x`;
      const firstEvents = firstEventsSource(env, s);
      const key = segmentKey(env.segments);
      if (firstEvents && key) {
        // The first-events table (event dimensions only): a key per person, not a tuple of strings.
        const firsts = firstTimesOfFirstEvents(env, firstEvents, key);
        const inner = sql`SELECT seg AS k, ${day} AS d FROM ${firsts} WHERE first >= ${p.dateTime(env.from)}`;
        // A counted person's key is that of their earliest row, which is in the period (their
        // first time is): the keys' values are read from the period's rows only, not from
        // every person's (a quarter of the 100 M demo: 0.6 M of 2.2 M rows).
        const periodFirsts = sql`(SELECT * FROM ${firstEvents} WHERE timestamp >= ${p.dateTime(env.from)})`;
        return talliedByKey(env, inner, segmentKeyValues(env.segments, periodFirsts), partial, total);
      }
      const firsts = firstTimes(env, source(env, { ...baseOptions(EPOCH), unresolved: true }), firstSegments(env.segments));
      return tallied(env, sql`SELECT seg AS rv, first, ${day} AS d FROM ${firsts} WHERE first >= ${p.dateTime(env.from)}`, partial, total);
    }
    case 'dau':
    case 'wau':
    case 'mau': {
      const w = s.math === 'dau' ? 1 : s.math === 'wau' ? 7 : 30;
      if (byDay(env) && w > 1) throw new FupanError('metric_unavailable', { key: s.math, what: 'per day', problem: 'trailing-window actives have no daily series' });
      const wide = base(startOfLocalDay(addDays(env.fromDate, -(w - 1)), env.timeZone));
      const days = Math.max(0, daysBetween(env.fromDate, env.toDate) + 1);
      return sql`SELECT seg, toFloat64(sum(c)) AS num, toFloat64(${p.uint32(byDay(env) ? 1 : days)}) AS den, 0 AS x FROM (
        SELECT seg, d, uniqExact(person_id) AS c FROM (
          SELECT DISTINCT ${raw} AS rv, person_id, ${localDay(env)} AS day FROM ${wide}
        ) ARRAY JOIN arrayMap(k -> addDays(day, k), range(${p.uint32(w)})) AS d
        ARRAY JOIN ${tags(env, sql`rv`, sql`d`)} AS seg
        WHERE d >= ${p.date(env.fromDate)} AND d <= ${p.date(env.toDate)}
        GROUP BY seg, d
      ) GROUP BY seg ORDER BY seg`;
    }
  }
}

/**
 * As compile.ts's funnel: the entry's dimension values are those of the person's (or
 * person-day's) first entering event. Two-step funnels by event dimensions take the array
 * form of `twoStepFunnel`; the rest windowFunnel per person (or person-day).
 */
function funnel(atom: Extract<Atom, { kind: 'funnel' }>, env: MultiEnv): Fragment {
  const windowMs = WINDOW_MS[atom.window.unit] * atom.window.value;
  const daily = byDay(env);
  const arrays = env.windowFunnelOnly ? undefined : twoStepFunnel(atom.steps, windowMs, env, [{ from: env.from, to: env.to, daily, segments: env.segments, indexed: true }]);
  if (arrays) return sql`SELECT seg, num, den, x FROM (${arrays}) ORDER BY seg`;
  const key = segmentKey(env.segments);
  const { conds, src, range } = funnelSource(atom.steps, windowMs, env);
  const level = windowFunnelLevel(conds, windowMs);
  const rows = (entry: Fragment) => sql`SELECT ${entry}, ${daily ? localDay(env) : sql`toDate(0)`} AS d,
      ${level} AS level
    FROM ${src} GROUP BY person_id${daily ? sql`, d` : sql.empty} HAVING countIf(${conds[0]!}) > 0`;
  const partial = sql`countIf(level = ${p.uint32(atom.steps.length)}) AS a, count() AS b`;
  const total = sql`toFloat64(sum(a)) AS num, toFloat64(sum(b)) AS den, 0 AS x`;
  if (key) {
    // Only entries carry a key (the first step's events), so only they are read for its values.
    const values = segmentKeyValues(env.segments, keyRows(env, { ...range, events: [atom.steps[0]!.event] }));
    return talliedByKey(env, rows(sql`argMinIf(${key}, timestamp, ${conds[0]!}) AS k`), values, partial, total);
  }
  return tallied(env, rows(sql`${firstSegments(env.segments, conds[0]!)} AS rv`), partial, total);
}

function retention(a: Extract<Atom, { kind: 'retention' }>, env: MultiEnv): Fragment {
  const { startSrc, returnSrc, lastCohort, returned } = retentionSources(a, env);
  const tz = p.string(env.timeZone);
  const cohorts =
    a.type === 'first_time'
      ? sql`SELECT person_id, min(${localDay(env)}) AS day, ${firstSegments(env.segments)} AS rv FROM ${startSrc} GROUP BY person_id`
      : sql`SELECT person_id, ${localDay(env)} AS day, ${firstSegments(env.segments)} AS rv FROM ${startSrc} GROUP BY person_id, day`;
  return tallied(
    env,
    sql`SELECT c.rv AS rv, c.day AS d, ${returned} AS ret
    FROM (${cohorts}) AS c
    LEFT JOIN (SELECT person_id, groupUniqArray(toDate(timestamp, ${tz})) AS days FROM ${returnSrc} GROUP BY person_id) AS r ON r.person_id = c.person_id
    WHERE c.day >= ${p.date(env.fromDate)} AND c.day <= ${p.date(lastCohort)}`,
    sql`countIf(ret) AS a, count() AS b`,
    sql`toFloat64(sum(a)) AS num, toFloat64(sum(b)) AS den, 0 AS x`,
  );
}
