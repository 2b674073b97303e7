import { type Fragment, p, quoteIdent, sql } from '../../sql/index.js';

export interface EventsSourceOptions {
  projectId: string;
  /** UTC instants [from, to). */
  range?: { from: Date; to: Date };
  /** Restrict to these event names (uses the sort key). */
  events?: readonly string[];
  /** Extra condition on event columns / properties (compiled filters). */
  eventWhere?: Fragment;
  /** Condition on `person_properties` (compiled person filters); joins persons only when given. */
  personWhere?: Fragment;
  /** Expose `person_properties` even without a person filter (e.g. person breakdowns). */
  withPersonProperties?: boolean;
  /**
   * The caller reads no person at all (e.g. counts events by an event property): skip the
   * identity join and leave `person_id` out, so a query that does read it fails loudly.
   * Ignored with `personWhere` / `withPersonProperties`.
   */
  withoutPersons?: boolean;
  /**
   * `person_id` is the person written at ingest, not yet resolved: for a caller that first
   * groups by person and then resolves the groups with `resolveGroupedPersons` (the identity
   * join then runs on one row per person instead of one per event). Ignored with
   * `personWhere` / `withPersonProperties`, which need the resolved person on every row.
   */
  unresolvedPersons?: boolean;
  /**
   * Keep only the events whose person written at ingest is in this set (a subquery of
   * ingest-time person ids), tested in the scan before the identity join, so the join runs
   * only on the rows kept. For callers that need a small set of persons out of many events
   * (the funnel's entrants: 1.7 M of 9.8 M rows on the analyses benchmark).
   */
  ingestPersonIn?: Fragment;
}

/** The columns of `events` that `eventsWithPersons` exposes (materialised ones included). */
const EVENT_COLUMNS = 'project_id, uuid, event, distinct_id, person_id, timestamp, properties, channel, campaign, device_type, os, app_version, region, revenue, num_refund_amount, num_score, txt_comment';

const NIL_UUID = sql`toUUID('00000000-0000-0000-0000-000000000000')`;

/**
 * The latest override of each merged person of a project: `(old_person_id,
 * override_person_id)`, one row per old person (the right side of the identity join).
 */
export function personOverrides(projectId: string): Fragment {
  return sql`(
      SELECT old_person_id, argMax(override_person_id, version) AS override_person_id
      FROM person_overrides WHERE project_id = ${p.string(projectId)} GROUP BY old_person_id
    )`;
}

/**
 * Every person a merge involves, as ingest-time ids: the merged ones and those they were
 * merged into (any version; a superset is harmless). For callers that may drop a row of a
 * person who is not among them on its own merits, while a merged person's rows must all be
 * kept to be folded together.
 */
export function mergeInvolvedPersons(projectId: string): Fragment {
  const project = p.string(projectId);
  return sql`SELECT old_person_id FROM person_overrides WHERE project_id = ${project}
    UNION ALL SELECT override_person_id FROM person_overrides WHERE project_id = ${project}`;
}

/**
 * The resolved person of a row joined (LEFT ANY) to `personOverrides` as `ov`: the override
 * when there is one, else the person written at ingest (`personId`).
 */
export function resolvedPersonId(personId: Fragment): Fragment {
  return sql`if(ov.override_person_id = ${NIL_UUID}, ${personId}, ov.override_person_id)`;
}

/**
 * The events of one project with each event's person resolved: `person_id` is written at
 * ingest, and a merge that happened after some events were written (an anonymous visitor
 * who later signed up under an id that already had a person) is applied here through the
 * small `person_overrides` table. The overrides side of the join holds one row per merged
 * person, so the hash join costs little next to the events scan (see the ingestion
 * benchmark's note on query-time identity cost). Why ANY: that side is unique per key
 * (GROUP BY), so ANY gives the same rows as ALL and lets the join stop at the first match
 * (≈ a third less CPU for the join on the analyses benchmark).
 *
 * Columns: uuid, event, distinct_id, person_id, timestamp, properties, channel, campaign,
 * device_type, os, app_version, region, revenue, num_refund_amount, num_score (migration 0008), txt_comment (0009)
 * [, person_properties].
 *
 * @example sql`SELECT count(DISTINCT person_id) FROM ${eventsWithPersons({ projectId, range })}`
 */
export function eventsWithPersons(o: EventsSourceOptions): Fragment {
  const project = p.string(o.projectId);
  const conditions: Fragment[] = [sql`e.project_id = ${project}`];
  if (o.range) conditions.push(sql`e.timestamp >= ${p.dateTime(o.range.from)} AND e.timestamp < ${p.dateTime(o.range.to)}`);
  if (o.events) conditions.push(sql`e.event IN ${p.strings(o.events)}`);
  if (o.eventWhere) conditions.push(sql`(${o.eventWhere})`);
  const needsResolved = Boolean(o.personWhere || o.withPersonProperties);
  const persons = !o.withoutPersons || needsResolved;
  const unresolved = persons && o.unresolvedPersons && !needsResolved;
  // The person test runs in a subquery of its own so it happens before the join (in the
  // join's own WHERE it did not: 4.7 s instead of 2.8 s for the benchmark's funnel), and
  // without preparing the set for the primary key, which does not hold person_id (~0.3 s
  // less there).
  const table = o.ingestPersonIn
    ? sql`(SELECT ${sql.trusted(EVENT_COLUMNS)} FROM events WHERE project_id = ${project} AND person_id IN (${o.ingestPersonIn})
        SETTINGS use_index_for_in_with_subqueries = 0)`
    : sql`events`;
  const inner = sql`(
    SELECT e.uuid AS uuid, e.event AS event, e.distinct_id AS distinct_id, e.timestamp AS timestamp, e.properties AS properties,
      e.channel AS channel, e.campaign AS campaign, e.device_type AS device_type, e.os AS os, e.app_version AS app_version,
      e.region AS region, e.revenue AS revenue, e.num_refund_amount AS num_refund_amount, e.num_score AS num_score, e.txt_comment AS txt_comment${persons ? sql`,
      ${unresolved ? sql`e.person_id` : resolvedPersonId(sql`e.person_id`)} AS person_id` : sql.empty}
    FROM ${table} AS e${persons && !unresolved ? sql`
    LEFT ANY JOIN ${personOverrides(o.projectId)} AS ov ON ov.old_person_id = e.person_id` : sql.empty}
    WHERE ${sql.join(conditions, ' AND ')}
  )`;
  if (!o.personWhere && !o.withPersonProperties) return inner;
  return sql`(
    SELECT ev.*, pp.person_properties AS person_properties
    FROM ${inner} AS ev
    LEFT ANY JOIN (
      SELECT id, argMax(properties, version) AS person_properties FROM persons WHERE project_id = ${project} GROUP BY id
    ) AS pp ON pp.id = ev.person_id
    ${o.personWhere ? sql`WHERE ${o.personWhere}` : sql.empty}
  )`;
}

/**
 * Resolves the persons of rows already grouped by the person written at ingest
 * (`eventsWithPersons({ unresolvedPersons: true })` … `GROUP BY person_id, <keys>`) and merges
 * the groups of persons that identity merged into one: `merges` re-aggregates the partial
 * columns (min of mins, `groupUniqArrayArray` of `groupUniqArray`s, …).
 *
 * Why two phases: the identity join costs about as much as the scan when it runs per event
 * (≈ 1.1 s per 18 M rows on the 100 M demo); per person it runs on ~2 M rows. Only
 * re-aggregatable partials may be merged this way: a per-person result that depends on the
 * order of all the person's events must collect them first (see the funnel).
 */
export function resolveGroupedPersons(o: { projectId: string; grouped: Fragment; keys: readonly string[]; merges: Fragment }): Fragment {
  // Key names are written in our code (the caller's own aliases); quoteIdent still checks them.
  const keys = o.keys.map((k) => sql.trusted(`, g.${quoteIdent(k)} AS ${quoteIdent(k)}`));
  const groupKeys = o.keys.map((k) => sql.trusted(`, ${quoteIdent(k)}`));
  return sql`(
    SELECT ${resolvedPersonId(sql`g.person_id`)} AS person_id${sql.join(keys, '')}, ${o.merges}
    FROM (${o.grouped}) AS g
    LEFT ANY JOIN ${personOverrides(o.projectId)} AS ov ON ov.old_person_id = g.person_id
    GROUP BY person_id${sql.join(groupKeys, '')}
  )`;
}

/**
 * Rows grouped by the person written at ingest (a `person_id` column among others), each
 * with its person resolved but not regrouped: for a caller whose next step counts distinct
 * persons or regroups anyway (`uniqExact(person_id)`, `GROUP BY …, person_id`). The join
 * then runs once per group instead of once per event, as in `resolveGroupedPersons`.
 */
export function resolvePersonsOf(projectId: string, rows: Fragment): Fragment {
  return sql`(
    SELECT g.* REPLACE (${resolvedPersonId(sql`g.person_id`)} AS person_id)
    FROM (${rows}) AS g
    LEFT ANY JOIN ${personOverrides(projectId)} AS ov ON ov.old_person_id = g.person_id
  )`;
}
