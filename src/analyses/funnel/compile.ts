import { compile, type CompiledQuery, type Fragment, p, sql } from '../../sql/index.js';
import { breakdownValue } from '../shared/breakdown.js';
import type { AnalysisContext } from '../shared/context.js';
import type { ResolvedRange } from '../shared/date-range.js';
import { compileFilters } from '../shared/filters.js';
import { eventsWithPersons } from '../shared/persons.js';
import type { FunnelSpec } from './schema.js';
import { packable, packedPersons } from './packed.js';
import { funnelPersons, usesPersonProps } from './source.js';

/** How the persons' attempts are computed: `foldOnly` always through the general fold (to compare the two in tests). */
export interface FunnelOptions {
  foldOnly?: boolean;
}

/** Each entrant's best attempt: the packed form when the funnel allows it (packed.ts), else the general fold. */
function persons(spec: FunnelSpec, ctx: Ctx, range: ResolvedRange, top: readonly string[] | undefined, o: FunnelOptions): Fragment {
  return !o.foldOnly && packable(spec) ? packedPersons(spec, ctx.projectId, range) : funnelPersons(spec, ctx.projectId, range, top);
}

type Ctx = Pick<AnalysisContext, 'projectId' | 'timeZone' | 'weekStart'>;
const num = (k: number) => sql.trusted(String(k));

/**
 * The breakdown values to keep (the rest become "Other"): the most frequent values on the
 * events that decide attribution — step-0 events in the range, or step-n events for
 * `step` attribution — so the main query's result stays bounded by `limit`.
 */
export function compileTopValues(spec: FunnelSpec, ctx: Ctx, range: ResolvedRange): CompiledQuery {
  const b = spec.breakdown!;
  const step = spec.steps[b.attribution === 'step' ? b.step! : 0]!;
  const source = eventsWithPersons({
    projectId: ctx.projectId,
    range,
    events: [step.event],
    eventWhere: compileFilters(step.filters.filter((f) => f.type !== 'person')),
    ...(step.filters.some((f) => f.type === 'person') ? { personWhere: compileFilters(step.filters.filter((f) => f.type === 'person')) } : {}),
    withPersonProperties: usesPersonProps(spec),
  });
  return compile(sql`SELECT ${breakdownValue(b)} AS value, count() AS n FROM ${source}
    GROUP BY value ORDER BY n DESC, value LIMIT ${num(b.limit)}`);
}

/**
 * Step counts and times per breakdown value. `counts[k]` = persons whose best attempt
 * reached step k; `avgs[k]` / `medians[k]` = seconds from step k−1 to step k over them.
 */
export function compileFunnel(spec: FunnelSpec, ctx: Ctx, range: ResolvedRange, top?: readonly string[], o: FunnelOptions = {}): CompiledQuery {
  const n = spec.steps.length;
  // First / last touch put each person under exactly one value, so the overall funnel is
  // the empty grouping set of the same query (flagged `total`); the other attributions can
  // count a person under several values and need a query of their own.
  const a = spec.breakdown?.attribution;
  const total = a === 'first_touch' || a === 'last_touch';
  const gap = sql`if(length(times) > k AND k > 0, (times[k + 1] - times[k]) / 1000, NULL)`;
  return compile(sql`
    SELECT ${total ? sql`grouping(bv) = 1 AS total,` : sql.empty} bv AS value,
      sumForEach(arrayMap(k -> toUInt64(length(times) > k), range(${num(n)}))) AS counts,
      avgForEach(arrayMap(k -> ${gap}, range(${num(n)}))) AS avgs,
      quantileExactInclusiveForEach(0.5)(arrayMap(k -> ${gap}, range(${num(n)}))) AS medians
    FROM (${persons(spec, ctx, range, top, o)})
    ${total ? sql`GROUP BY GROUPING SETS ((bv), ())` : sql`GROUP BY bv`} ORDER BY counts[1] DESC, value`);
}

/**
 * Time from `fromStep` to `toStep` of the persons who got there, in `bins` equal-width
 * bins from the fastest to the slowest (seconds).
 */
export function compileTimeToConvert(spec: FunnelSpec, ctx: Ctx, range: ResolvedRange, top?: readonly string[], o: FunnelOptions = {}): CompiledQuery {
  const t = spec.timeToConvert!;
  const from = t.fromStep ?? 0;
  const to = t.toStep ?? spec.steps.length - 1;
  const bins = t.bins;
  return compile(sql`
    WITH d AS (
      SELECT (times[${num(to + 1)}] - times[${num(from + 1)}]) / 1000 AS s
      FROM (${persons(spec, ctx, range, top, o)}) WHERE length(times) > ${num(to)}
    ),
    b AS (SELECT min(s) AS lo, max(s) AS hi, greatest((hi - lo) / ${num(bins)}, 1) AS w FROM d)
    SELECT least(toUInt32(floor((s - b.lo) / b.w)), ${num(bins - 1)}) AS bin, any(b.lo) AS lo, any(b.w) AS width, count() AS persons
    FROM d CROSS JOIN b GROUP BY bin ORDER BY bin`);
}

/** The entry period of a person's attempt (its step-0 time) in the project's time zone. */
function entryPeriod(interval: 'day' | 'week' | 'month', ctx: Ctx): Fragment {
  const t = sql`fromUnixTimestamp64Milli(times[1])`;
  const tz = p.string(ctx.timeZone);
  if (interval === 'day') return sql`toDate(${t}, ${tz})`;
  if (interval === 'month') return sql`toStartOfMonth(${t}, ${tz})`;
  return sql`toStartOfWeek(${t}, ${num(ctx.weekStart === 'monday' ? 1 : 0)}, ${tz})`;
}

/** Entered / converted (reached the last step) by entry period. */
export function compileTrend(spec: FunnelSpec, ctx: Ctx, range: ResolvedRange, o: FunnelOptions = {}): CompiledQuery {
  const n = spec.steps.length;
  return compile(sql`
    SELECT toString(${entryPeriod(spec.trend!.interval, ctx)}) AS period, count() AS entered, countIf(length(times) = ${num(n)}) AS converted
    FROM (${persons({ ...spec, breakdown: undefined }, ctx, range, undefined, o)})
    GROUP BY period ORDER BY period`);
}

/** Persons who reached `step` and went no further (`dropped`) or at least reached it. */
export function compilePersons(spec: FunnelSpec, ctx: Ctx, range: ResolvedRange, options: FunnelOptions = {}): CompiledQuery {
  const o = spec.persons!;
  const cond = o.status === 'dropped' ? sql`length(times) = ${num(o.step + 1)}` : sql`length(times) > ${num(o.step)}`;
  return compile(sql`
    SELECT toString(person_id) AS person_id, count() OVER () AS total
    FROM (${persons({ ...spec, breakdown: undefined }, ctx, range, undefined, options)})
    WHERE ${cond}
    ORDER BY person_id LIMIT ${num(o.limit)}`);
}
