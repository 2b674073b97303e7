import { compile, type CompiledQuery, type Fragment, p, sql } from '../../sql/index.js';
import { compileFilters, usesPersonProperties } from '../shared/filters.js';
import { eventsWithPersons } from '../shared/persons.js';
import { propertyNumber, propertyString } from '../shared/properties.js';
import type { ExperimentDefinition, ExperimentMetric, Measure } from './schema.js';

/**
 * The experiment's SQL, pure: definition + instants → { sql, params }. Every query starts
 * from the same `exposures` CTE (persons with their first exposure and the set of variants
 * they saw, identity merges applied by `eventsWithPersons`), so the persons analysed are
 * the same in every metric: exactly one known variant. See docs/experiments.md.
 */

export interface ExperimentWindow {
  projectId: string;
  /** Exposures are counted in [from, to): the start date's local midnight to min(end, now). */
  from: Date;
  to: Date;
  /** The analysis instant: no metric event after it is read. */
  now: Date;
}

/** Label of persons exposed to more than one variant, and of persons with an unknown one. */
export const MULTIPLE = '$multiple';
export const UNKNOWN = '$unknown';

function exposuresCte(def: ExperimentDefinition, w: ExperimentWindow): Fragment {
  const x = def.exposure;
  const source = eventsWithPersons({
    projectId: w.projectId,
    range: { from: w.from, to: w.to },
    events: [x.event],
    ...(x.experimentProperty ? { eventWhere: sql`${propertyString(x.experimentProperty)} = ${p.string(def.key)}` } : {}),
  });
  return sql`exposures AS (
    SELECT person_id, groupUniqArray(v) AS vs, min(timestamp) AS first_at
    FROM (SELECT person_id, timestamp, ${propertyString(x.variantProperty)} AS v FROM ${source})
    GROUP BY person_id
  ),
  exposed AS (
    SELECT person_id, vs[1] AS variant, first_at FROM exposures
    WHERE length(vs) = 1 AND vs[1] IN ${p.strings(def.variants.map((v) => v.key))}
  )`;
}

/**
 * Exposed persons per variant: `{ variant, persons, first_at_min, first_at_max }`; persons
 * who saw more than one variant are one row labelled `$multiple`, persons whose only
 * variant is not in the definition `$unknown`.
 */
export function compileExposures(def: ExperimentDefinition, w: ExperimentWindow): CompiledQuery {
  const known = p.strings(def.variants.map((v) => v.key));
  return compile(sql`WITH ${exposuresCte(def, w)}
SELECT multiIf(length(vs) > 1, ${p.string(MULTIPLE)}, vs[1] IN ${known}, vs[1], ${p.string(UNKNOWN)}) AS variant, count() AS persons
FROM exposures
GROUP BY variant
ORDER BY variant`);
}

/** Per-person columns a metric needs: post value (y), post denominator (d), their pre-period twins. */
export type Column = 'y' | 'd' | 'yp' | 'dp';

export function metricColumns(m: ExperimentMetric, cuped: boolean): Column[] {
  if (m.type === 'quantile') return [];
  const cols: Column[] = m.type === 'ratio' ? ['y', 'd'] : ['y'];
  if (!cuped) return cols;
  return m.type === 'ratio' ? [...cols, 'yp', 'dp'] : [...cols, 'yp'];
}

/** Where a metric reads events: the pre-period (if any) to the end of the latest window. */
export function metricRange(def: ExperimentDefinition, m: ExperimentMetric, w: ExperimentWindow): { from: Date; to: Date } {
  const preMs = def.cuped && m.type !== 'quantile' ? def.cuped.preDays * 86_400_000 : 0;
  const to = m.windowHours ? new Date(Math.min(w.now.getTime(), w.to.getTime() + m.windowHours * 3_600_000)) : w.to;
  return { from: new Date(w.from.getTime() - preMs), to: new Date(Math.max(to.getTime(), w.from.getTime() + 1)) };
}

function measuresOf(m: ExperimentMetric): Measure[] {
  if (m.type === 'ratio') return [m.numerator, m.denominator];
  if (m.type === 'quantile') return [{ event: m.event, math: 'count', filters: m.filters }];
  return [{ event: m.event, math: m.type === 'mean' ? m.math : 'count', ...(m.type === 'mean' && m.property ? { property: m.property } : {}), filters: m.filters }];
}

/**
 * The metrics' events over their ranges, with person properties when a filter needs them.
 * Joined to the exposed persons as the probing side (`… AS m RIGHT / INNER JOIN exposed AS
 * x`): the hash table holds the exposed persons, every event probes it, and the exposures
 * are computed once. Keeping only the exposed persons' events with an `IN (SELECT person_id
 * FROM exposed)` instead computed the exposures a second time (a CTE is inlined where it is
 * used) and hashed the events: on the 100 M demo's one_click_match, 2.02 → 1.40 s for the
 * call-rate goal and 1.22 → 0.75 s for the revenue guardrail, the same rows.
 */
function metricSource(def: ExperimentDefinition, ms: readonly ExperimentMetric[], w: ExperimentWindow): Fragment {
  const measures = ms.flatMap(measuresOf);
  const ranges = ms.map((m) => metricRange(def, m, w));
  return eventsWithPersons({
    projectId: w.projectId,
    range: { from: new Date(Math.min(...ranges.map((r) => r.from.getTime()))), to: new Date(Math.max(...ranges.map((r) => r.to.getTime()))) },
    events: [...new Set(measures.map((x) => x.event))],
    ...(measures.some((x) => usesPersonProperties(x.filters)) ? { withPersonProperties: true } : {}),
  });
}

/** Post window of a person: [first_at, first_at + window) capped at now, or [first_at, experiment end). */
function inPost(m: ExperimentMetric, w: ExperimentWindow): Fragment {
  const end = m.windowHours
    ? sql`least(x.first_at + toIntervalMillisecond(${p.int64(Math.round(m.windowHours * 3_600_000))}), ${p.dateTime(w.now)})`
    : p.dateTime(w.to);
  return sql`m.timestamp >= x.first_at AND m.timestamp < ${end}`;
}

function inPre(def: ExperimentDefinition): Fragment {
  const days = p.int64(def.cuped?.preDays ?? 0);
  return sql`m.timestamp >= x.first_at - toIntervalDay(${days}) AND m.timestamp < x.first_at`;
}

function aggregate(x: Measure, when: Fragment, asFlag: boolean): Fragment {
  const cond = sql`m.event = ${p.string(x.event)} AND (${compileFilters(x.filters)}) AND ${when}`;
  if (asFlag) return sql`toFloat64(countIf(${cond}) > 0)`;
  if (x.math === 'sum') return sql`toFloat64(sumIf(coalesce(${propertyNumber(x.property!)}, 0), ${cond}))`;
  return sql`toFloat64(countIf(${cond}))`;
}

/**
 * Sufficient statistics per variant for a conversion, mean or ratio metric:
 * `{ variant, n, s_<c>, q_<c>_<c'> }` for each per-person column c (y, d, yp, dp): the sum
 * and every cross-product sum, so the shape step can read n, Σ, Σ², Σ num × den and the
 * CUPED products without another query.
 */
export function compileMetric(def: ExperimentDefinition, m: ExperimentMetric, w: ExperimentWindow): CompiledQuery {
  return compileMetrics(def, [m], w);
}

/**
 * `compileMetric` for several metrics in one query: one read of their events, one join to
 * the exposed persons. Metric j's columns carry the prefix `m<j>_` (`m0_s_y`, `m1_q_y_yp`,
 * …; none for a single metric); `metricRows` takes one metric's rows back out. Each
 * column's own conditions bound its events (post window, pre-period, event, filters), so
 * reading the union of the metrics' ranges and events changes no number. Why: an
 * experiment's metrics each computed the exposures and read and joined their events again;
 * on the 100 M demo's one_click_match (two goals and a guardrail) the three queries took
 * 1.37 + 1.29 + 0.70 s and this one 1.62 s (one profile of the whole report each).
 */
export function compileMetrics(def: ExperimentDefinition, ms: readonly ExperimentMetric[], w: ExperimentWindow): CompiledQuery {
  const perPerson: Fragment[] = [];
  const sums: Fragment[] = [];
  ms.forEach((m, j) => {
    const prefix = ms.length > 1 ? `m${j}_` : '';
    const name = (c: string) => sql.trusted(`${prefix}${c}`);
    const cols = metricColumns(m, def.cuped !== null);
    const [num, den] = measuresOf(m) as [Measure, Measure | undefined];
    const flag = m.type === 'conversion';
    const expr: Record<Column, () => Fragment> = {
      y: () => aggregate(num, inPost(m, w), flag),
      d: () => aggregate(den!, inPost(m, w), false),
      yp: () => aggregate(num, inPre(def), flag),
      dp: () => aggregate(den!, inPre(def), false),
    };
    for (const c of cols) perPerson.push(sql`${expr[c]()} AS ${name(c)}`);
    cols.forEach((c, i) => {
      sums.push(sql`sum(${name(c)}) AS ${name(`s_${c}`)}`);
      for (const c2 of cols.slice(i)) sums.push(sql`sum(${name(c)} * ${name(c2)}) AS ${name(`q_${c}_${c2}`)}`);
    });
  });
  return compile(sql`WITH ${exposuresCte(def, w)},
  per_person AS (
    SELECT x.person_id AS person_id, x.variant AS variant, ${sql.join(perPerson)}
    FROM ${metricSource(def, ms, w)} AS m
    RIGHT JOIN exposed AS x ON m.person_id = x.person_id
    GROUP BY x.person_id, x.variant, x.first_at
  )
SELECT variant, count() AS n, ${sql.join(sums)}
FROM per_person
GROUP BY variant
ORDER BY variant`);
}

/** Metric j's rows of a `compileMetrics` query over `count` metrics, with the prefix taken off. */
export function metricRows<T extends { variant: string; n: number }>(rows: readonly T[], j: number, count: number): T[] {
  if (count === 1) return [...rows];
  const prefix = `m${j}_`;
  return rows.map((r) => {
    const out: Record<string, unknown> = { variant: r.variant, n: r.n };
    for (const [k, v] of Object.entries(r)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
    return out as T;
  });
}

function quantileEvents(def: ExperimentDefinition, m: Extract<ExperimentMetric, { type: 'quantile' }>, w: ExperimentWindow): Fragment {
  return sql`(
    SELECT x.person_id AS person_id, x.variant AS variant, ${propertyNumber(m.property)} AS value
    FROM ${metricSource(def, [m], w)} AS m
    INNER JOIN exposed AS x ON m.person_id = x.person_id
    WHERE m.event = ${p.string(m.event)} AND (${compileFilters(m.filters)}) AND ${inPost(m, w)} AND value IS NOT NULL
  )`;
}

/** Quantile metrics, step 1: per variant, persons with a value (n) and values (nStar). */
export function compileQuantileCounts(def: ExperimentDefinition, m: Extract<ExperimentMetric, { type: 'quantile' }>, w: ExperimentWindow): CompiledQuery {
  return compile(sql`WITH ${exposuresCte(def, w)}
SELECT variant, uniqExact(person_id) AS n, count() AS nStar
FROM ${quantileEvents(def, m, w)}
GROUP BY variant
ORDER BY variant`);
}

/**
 * Quantile metrics, step 2: per variant the quantile and the two order statistics of its
 * interval. ClickHouse's quantileExact at level ℓ reads the ⌊ℓ·n⌋-th value (0-based), so
 * the 1-based rank r is read at ℓ = (r − ½)/n.
 */
export function compileQuantileValues(
  def: ExperimentDefinition,
  m: Extract<ExperimentMetric, { type: 'quantile' }>,
  w: ExperimentWindow,
  ranks: { variant: string; nStar: number; lower: number; upper: number }[],
): CompiledQuery {
  const cols = ranks.map(
    (r, i) =>
      sql`quantilesExactIf(${p.float64(m.quantile)}, ${p.float64((r.lower - 0.5) / r.nStar)}, ${p.float64((r.upper - 0.5) / r.nStar)})(value, variant = ${p.string(r.variant)}) AS ${sql.trusted(`v${i}`)}`,
  );
  return compile(sql`WITH ${exposuresCte(def, w)}
SELECT ${sql.join(cols)}
FROM ${quantileEvents(def, m, w)}`);
}
