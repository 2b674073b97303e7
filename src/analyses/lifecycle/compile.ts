import { compile, type CompiledQuery, type Fragment, p, sql } from '../../sql/index.js';
import type { AnalysisContext } from '../shared/context.js';
import type { Filter } from '../shared/filters.js';
import { filteredEvents } from '../shared/source.js';
import { assertTimeZone, type CalendarDate, startOfLocalDay } from '../shared/time-zone.js';
import type { LifecycleSpec } from './schema.js';

type Ctx = Pick<AnalysisContext, 'projectId' | 'timeZone' | 'weekStart'>;

export interface LifecyclePeriods {
  /** Start of the period before the first one (its activity decides returning vs resurrecting). */
  before: CalendarDate;
  first: CalendarDate;
  last: CalendarDate;
  /** UTC end of the range (exclusive). */
  to: Date;
}

const SHIFT = { day: ['subtractDays', 'addDays'], week: ['subtractWeeks', 'addWeeks'], month: ['subtractMonths', 'addMonths'] } as const;

/**
 * Per period and status, the number of persons (`{ period, status, persons }`):
 * - new: active in the period, which holds their first-ever matching event;
 * - returning: active in the period and in the one before;
 * - resurrecting: active in the period, not in the one before, first seen earlier;
 * - dormant: active in the period before, not in this one.
 * "Active" means doing the event (with the filters) at least once in the period; periods
 * are cut in the project's time zone, weeks on its week start.
 *
 * @example compileLifecycle(spec, ctx, { before: '2025-06-30', first: '2025-07-01', last: '2025-07-04', to })
 */
export function compileLifecycle(spec: LifecycleSpec, ctx: Ctx, periods: LifecyclePeriods): CompiledQuery {
  const tz = p.string(assertTimeZone(ctx.timeZone));
  const period = (ts: Fragment): Fragment => {
    if (spec.interval === 'day') return sql`toDate(${ts}, ${tz})`;
    if (spec.interval === 'week') return sql`toStartOfWeek(${ts}, ${sql.trusted(ctx.weekStart === 'sunday' ? '0' : '1')}, ${tz})`;
    return sql`toStartOfMonth(${ts}, ${tz})`;
  };
  const [sub, add] = SHIFT[spec.interval];
  const prev = (d: Fragment) => sql`${sql.trusted(sub)}(${d}, 1)`;
  const next = (d: Fragment) => sql`${sql.trusted(add)}(${d}, 1)`;
  const source = (from: Date) =>
    filteredEvents({ projectId: ctx.projectId, range: { from, to: periods.to }, events: [spec.event], filters: spec.filters as Filter[] });
  const first = p.date(periods.first);
  const last = p.date(periods.last);
  return compile(sql`WITH
  activity AS (
    SELECT person_id, groupUniqArray(${period(sql`timestamp`)}) AS periods
    FROM ${source(startOfLocalDay(periods.before, ctx.timeZone))}
    GROUP BY person_id
  ),
  firsts AS (
    SELECT person_id, ${period(sql`min(timestamp)`)} AS first_period
    FROM ${source(new Date(0))}
    WHERE person_id IN (SELECT person_id FROM activity)
    GROUP BY person_id
  )
SELECT toString(period) AS period, status, count() AS persons
FROM (
  SELECT period, multiIf(period = f.first_period, 'new', has(a.periods, ${prev(sql`period`)}), 'returning', 'resurrecting') AS status
  FROM activity AS a
  ARRAY JOIN a.periods AS period
  INNER JOIN firsts AS f ON f.person_id = a.person_id
  WHERE period >= ${first}
  UNION ALL
  SELECT ${next(sql`active`)} AS period, 'dormant' AS status
  FROM activity
  ARRAY JOIN periods AS active
  WHERE NOT has(periods, ${next(sql`active`)}) AND ${next(sql`active`)} >= ${first} AND ${next(sql`active`)} <= ${last}
)
GROUP BY period, status
ORDER BY period, status`);
}
