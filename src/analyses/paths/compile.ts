import { compile, type CompiledQuery, type Fragment, p, sql } from '../../sql/index.js';
import type { AnalysisContext } from '../shared/context.js';
import type { ResolvedRange } from '../shared/date-range.js';
import { compileFilters } from '../shared/filters.js';
import { eventsWithPersons } from '../shared/persons.js';
import type { PathsSpec } from './schema.js';

/** Most (step, from, to) rows a paths query returns; beyond it the query is refused. */
export const MAX_PATH_ROWS = 100_000;

export function windowMs(w: PathsSpec['window']): number {
  return w.value * (w.unit === 'minute' ? 60_000 : 3_600_000);
}

/**
 * Edge counts of the paths: one row per (step, src event, dst event) with the persons who
 * went that way; `dst` = '' means the path ended there (drop-off).
 *
 * Per person: their events in time order (ties by name, so results are deterministic),
 * each flagged when it is the anchor (event name and filters) inside the date range. The
 * path starts at the first anchor and takes the events after it (or before it, nearest
 * first) within the window; consecutive repeats of the same event collapse into one
 * step (a page refreshed twice is one step), and then the first `steps` events are kept.
 */
export function compilePaths(spec: PathsSpec, ctx: Pick<AnalysisContext, 'projectId'>, range: ResolvedRange): CompiledQuery {
  const w = windowMs(spec.window);
  const after = spec.direction === 'after';
  const source = eventsWithPersons({
    projectId: ctx.projectId,
    range: { from: after ? range.from : new Date(range.from.getTime() - w), to: after ? new Date(range.to.getTime() + w) : range.to },
    ...(spec.events ? { events: [...new Set([spec.event, ...spec.events])] } : {}),
    withPersonProperties: spec.filters.some((f) => f.type === 'person'),
  });
  const isAnchor = sql`event = ${p.string(spec.event)} AND ${compileFilters(spec.filters)}
    AND timestamp >= ${p.dateTime(range.from)} AND timestamp < ${p.dateTime(range.to)}`;
  const exclude: Fragment = spec.exclude.length ? sql`event NOT IN ${p.strings(spec.exclude)}` : sql`1`;
  // evs: (ts ms, event, anchor). i: index of the first anchor.
  const around = after
    ? sql`arrayFilter(e -> e.1 <= evs[i].1 + ${p.uint64(w)}, arraySlice(evs, i + 1))`
    : sql`arrayReverse(arrayFilter(e -> e.1 >= evs[i].1 - ${p.uint64(w)}, arraySlice(evs, 1, i - 1)))`;
  return compile(sql`
    WITH seqs AS (
      SELECT person_id, arraySort(groupArray((toUnixTimestamp64Milli(timestamp), event, toUInt8(${isAnchor})))) AS evs
      FROM ${source} WHERE ${exclude}
      GROUP BY person_id HAVING max(toUInt8(${isAnchor})) = 1
    ),
    paths AS (
      SELECT person_id, arrayMap(e -> e.2, ${around}) AS names, arrayPushFront(
        arraySlice(arrayFilter((x, j) -> j = 1 OR x != names[j - 1], names, arrayEnumerate(names)), 1, ${sql.trusted(String(spec.steps))}),
        evs[i].2) AS path
      FROM (SELECT person_id, evs, arrayFirstIndex(e -> e.3 = 1, evs) AS i FROM seqs)
    )
    SELECT step, src, dst, count() AS persons FROM (
      SELECT arrayJoin(arrayMap(j -> (j - 1, path[j], if(j < length(path), path[j + 1], '')), arrayEnumerate(path))) AS t,
        t.1 AS step, t.2 AS src, t.3 AS dst
      FROM paths
    )
    GROUP BY step, src, dst ORDER BY step, persons DESC, src, dst
    LIMIT ${sql.trusted(String(MAX_PATH_ROWS + 1))}`);
}
