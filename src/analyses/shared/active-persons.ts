import { compile, type CompiledQuery, type Fragment, p, sql } from '../../sql/index.js';
import { ACTIVE_PERSON_DIMENSIONS } from '../../storage/clickhouse/migrations/0003_active_persons.js';
import type { Breakdown } from './breakdown.js';
import { MATERIALISED } from './properties.js';
import { addDays, localDate, offsetMinutes, startOfLocalDay } from './time-zone.js';

/**
 * Distinct-person counts from `active_persons_hourly` (migration 0003): per UTC hour,
 * event and dimension value, a roaring bitmap of the persons' dense numbers, built once at
 * ingest. A count over a range is the cardinality of a union of bitmaps, so no event's
 * person is hashed at query time (on the 100 M-event demo: DAU by channel over 90 days in
 * ~1 s instead of 5 s). Callers check `activePersonsDimension` and `coversWholeHours`
 * first and fall back to reading events when either says no.
 *
 * Counts of any event read the same bitmaps merged across events, per UTC hour, UTC day
 * (migration 0004) and UTC month (migration 0006; see `rollupSpans`).
 *
 * Persons are stored as written at ingest; `resolvedCount` applies later merges.
 * A bitmap holding 0 counted a person without a number (written around the writer): the
 * caller must then read events instead (see `UNNUMBERED`).
 */

const DIMENSIONS = new Set<string>(ACTIVE_PERSON_DIMENSIONS);

/** Column of a result row that is 1 when a count met a person without a number. */
export const UNNUMBERED = 'unnumbered';

/**
 * The table dimension for a breakdown: '' without one, the materialised column for an
 * event property the table keeps, null when the table cannot answer it.
 */
export function activePersonsDimension(b: Pick<Breakdown, 'property' | 'type'> | undefined): string | null {
  if (!b) return '';
  if (b.type !== 'event') return null;
  const column = MATERIALISED[b.property];
  return column && DIMENSIONS.has(column) ? column : null;
}

/**
 * Whether [from, to) is a union of whole UTC hours that each fall in one local hour of
 * the zone: both ends on the hour, and the zone's offset a whole number of hours
 * throughout (checked every 6 hours, which no offset change escapes: zones change at most
 * a few times a year). Zones such as Asia/Kolkata (+5:30) read events instead.
 */
export function coversWholeHours(from: Date, to: Date, timeZone: string): boolean {
  const HOUR = 3_600_000;
  if (from.getTime() % HOUR !== 0 || to.getTime() % HOUR !== 0) return false;
  for (let t = from.getTime(); t < to.getTime(); t += 6 * HOUR) {
    if (offsetMinutes(new Date(t), timeZone) % 60 !== 0) return false;
  }
  return offsetMinutes(new Date(to.getTime() - 1), timeZone) % 60 === 0;
}

/**
 * How a range is read from the any-event rollups (migrations 0004 and 0006): its whole UTC
 * calendar months that no cut falls inside from `active_persons_any_monthly`, its other
 * whole UTC days that no cut falls inside from `active_persons_any_daily`, the rest as
 * hours from `active_persons_any_hourly`. `cuts` are the instants where the caller's
 * buckets begin (none for one count over the range, every local midnight for local days):
 * a monthly or daily row then lies inside one bucket, and its `hour` (the UTC midnight
 * starting it) falls in that bucket too. In zones other than UTC+0 local days cut every UTC
 * day, so daily series read hours only; weeks and local months read mostly days; quarters
 * and longer read their whole UTC months.
 */
export function rollupSpans(from: Date, to: Date, cuts: readonly Date[]): { months: [Date, Date][]; days: [Date, Date][]; hours: [Date, Date][] } {
  const DAY = 86_400_000;
  const end = to.getTime();
  const inside = cuts.map((c) => c.getTime());
  const cutInside = (a: number, b: number) => inside.some((c) => c > a && c < b);
  const months: [Date, Date][] = [];
  const days: [Date, Date][] = [];
  const hours: [Date, Date][] = [];
  const extend = (list: [Date, Date][], a: number, b: number) => {
    const last = list[list.length - 1];
    if (last && last[1].getTime() === a) last[1] = new Date(b);
    else list.push([new Date(a), new Date(b)]);
  };
  let cursor = from.getTime();
  const take = (list: [Date, Date][], a: number, b: number) => {
    if (cursor < a) hours.push([new Date(cursor), new Date(a)]);
    extend(list, a, b);
    cursor = b;
  };
  for (let d = Math.ceil(from.getTime() / DAY) * DAY; d + DAY <= end; ) {
    const day = new Date(d);
    const monthEnd = Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 1);
    if (day.getUTCDate() === 1 && monthEnd <= end && !cutInside(d, monthEnd)) {
      take(months, d, monthEnd);
      d = monthEnd;
      continue;
    }
    if (!cutInside(d, d + DAY)) take(days, d, d + DAY);
    d += DAY;
  }
  if (cursor < end || (!days.length && !months.length)) hours.push([new Date(cursor), to]);
  return { months, days, hours };
}

/** The UTC instants of the local midnights strictly inside [from, to): cuts for local days. */
export function localMidnights(from: Date, to: Date, timeZone: string): Date[] {
  const out: Date[] = [];
  for (let day = addDays(localDate(from, timeZone), 1); ; day = addDays(day, 1)) {
    const start = startOfLocalDay(day, timeZone);
    if (start >= to) return out;
    out.push(start);
  }
}

/**
 * One scalar: a tuple holding, per column, the sorted distinct values `event` had in that
 * column over the UTC hours meeting [from, to), read from `active_persons_hourly`. Every
 * event inserted has its values there (the table's view runs on every insert into
 * `events`, and migration 0003 filled it from the events before it), so the lists hold at
 * least every value the events of the range have; a value of an hour cut by the range
 * may be extra. A few thousand rows instead of a scan of the events' columns.
 */
export function hourlyDimensionValues(o: { projectId: string; event: string; from: Date; to: Date; columns: readonly string[] }): Fragment {
  for (const c of o.columns) if (!DIMENSIONS.has(c)) throw new RangeError(`not a kept dimension: ${c}`);
  const lists = o.columns.map((c) => sql`arraySort(groupUniqArrayIf(value, dimension = ${p.string(c)}))`);
  return sql`(SELECT tuple(${sql.join(lists)}) FROM active_persons_hourly
      WHERE project_id = ${p.string(o.projectId)} AND event = ${p.string(o.event)} AND dimension IN ${p.strings([...new Set(o.columns)])}
        AND hour >= toStartOfHour(${p.dateTime(o.from)}) AND hour < ${p.dateTime(o.to)})`;
}

function anySpans(column: 'month' | 'day' | 'hour', spans: [Date, Date][]): Fragment {
  const at = (d: Date) => (column === 'hour' ? p.dateTime(d) : p.date(d.toISOString().slice(0, 10)));
  return sql.join(
    spans.map(([a, b]) => sql`${sql.trusted(column)} >= ${at(a)} AND ${sql.trusted(column)} < ${at(b)}`),
    ' OR ',
  );
}

interface RowsOptions {
  projectId: string;
  /** The events counted; undefined for any event (then the any-event rollups are read). */
  events: readonly string[] | undefined;
  from: Date;
  to: Date;
  /** Where the caller's buckets begin (see `rollupSpans`); any-event rows only. */
  cuts: readonly Date[];
}

/**
 * Rows `(hour, value, persons, events)` of one project and dimension over [from, to), for
 * the given events, or for any event from the rollups of migrations 0004 and 0006, where a
 * row can be a whole UTC month or day (its `hour` then is its first UTC midnight; see
 * `rollupSpans`).
 */
export function activePersonRows(o: RowsOptions & { dimension: string }): Fragment {
  return sql`(
    ${readRows(o, [o.dimension], sql`value, persons, events`)}
  )`;
}

/**
 * The SELECTs (joined by UNION ALL) of `hour, ${columns}` for the dimensions; `dimension`
 * may be among the columns. Only the columns asked for are read: the probe must not touch
 * the bitmaps.
 */
function readRows(o: RowsOptions, dimensions: readonly string[], columns: Fragment): Fragment {
  const where = sql`project_id = ${p.string(o.projectId)} AND dimension IN ${p.strings(dimensions)}`;
  if (o.events) {
    return sql`SELECT hour, ${columns}
    FROM active_persons_hourly
    WHERE ${where} AND event IN ${p.strings(o.events)}
      AND hour >= ${p.dateTime(o.from)} AND hour < ${p.dateTime(o.to)}`;
  }
  const { months, days, hours } = rollupSpans(o.from, o.to, o.cuts);
  const parts: Fragment[] = [];
  if (months.length) {
    parts.push(sql`SELECT toDateTime(month, 'UTC') AS hour, ${columns} FROM active_persons_any_monthly
    WHERE ${where} AND (${anySpans('month', months)})`);
  }
  if (days.length) {
    parts.push(sql`SELECT toDateTime(day, 'UTC') AS hour, ${columns} FROM active_persons_any_daily
    WHERE ${where} AND (${anySpans('day', days)})`);
  }
  if (hours.length) {
    parts.push(sql`SELECT hour, ${columns} FROM active_persons_any_hourly
    WHERE ${where} AND (${anySpans('hour', hours)})`);
  }
  return sql.join(parts, '\n    UNION ALL\n    ');
}

/**
 * What reading the bitmaps would cost, from the tables' small columns only (~30–70 ms on
 * the 100 M demo): `states`, the bitmaps of the given dimensions in the range, `events`,
 * the events they summarise, and `rollup`, 1 when they are any-event rollups. Feed the row
 * to `bitmapsPayOff`.
 */
export function bitmapProbe(o: RowsOptions & { dimensions: readonly string[] }): CompiledQuery {
  const rows = readRows(o, [...new Set(['', ...o.dimensions])], sql`dimension, events`);
  return compile(sql`SELECT countIf(dimension IN ${p.strings(o.dimensions)}) AS states, sumIf(events, dimension = '') AS events, toUInt8(${sql.trusted(o.events ? '0' : '1')}) AS rollup
FROM (${rows})`);
}

/**
 * Whether the bitmaps are cheaper than reading the events, for a query that reads `parts`
 * dimensions (each part merges about one bitmap member per event). Measured on the 100 M
 * demo: a bitmap state costs ~25 µs to read and merge whatever its size, a member ~55 ns;
 * reading events with the identity join and an exact distinct count ~250 ns per event. So
 * DAU of one event by channel over 90 days (13 k states, 17.7 M events: 1.0 s against 4.4 s)
 * and active persons over a quarter (17–28 k states, 37–51 M events: 2–3 s against 5 s) take
 * the bitmaps, while active persons by four dimensions (0.65–1.1 M small states: 25–33 s
 * against 10–15 s) or a rare event split four ways (99 k states for 0.4 M events) read events.
 * The any-event rollups (`rollup` = 1) hold each person once per day or hour, not once per
 * event name, and their daily states are dense: active persons over a quarter by four
 * dimensions there merge at ~ROLLUP_MEMBER_NS per event summarised.
 */
export function bitmapsPayOff(probe: { states: number | string; events: number | string; rollup?: number | string } | undefined, parts: number): boolean {
  const states = Number(probe?.states ?? 0);
  const events = Number(probe?.events ?? 0);
  const memberNs = Number(probe?.rollup ?? 0) ? ROLLUP_MEMBER_NS : 55;
  return states * 25_000 + events * parts * memberNs < events * 250;
}

/** Merge cost per event summarised by the any-event rollups, in ns (see `bitmapsPayOff`). */
const ROLLUP_MEMBER_NS = 10;

/**
 * `WITH … AS merged_numbers`: the bitmap of the project's merged (old) persons' numbers,
 * from `person_override_numbers` (migration 0005: the numbers looked up when each merge was
 * written); their surviving persons are looked up per member (`survivorsOf`). An old
 * person without a number has no events in any bitmap. Built here, once per query: built
 * per result row (per dimension value) it cost ~0.25 s of the 1.45 s of a quarter's active
 * persons by four dimensions on the 100 M demo.
 */
export function mergedNumbers(projectId: string): Fragment {
  return sql`WITH (
  SELECT groupBitmapState(old_num) FROM person_override_numbers
  WHERE project_id = ${p.string(projectId)} AND old_num != 0
) AS merged_numbers`;
}

/**
 * The number of resolved persons in a bitmap of ingest-time numbers, and whether it met a
 * person without a number (the UNNUMBERED column): the unmerged members as they are, each
 * merged member counted as its surviving person, so a person seen under both ids counts
 * once. With S the bitmap, M the merged numbers (`mergedNumbers` in scope) and T the
 * surviving persons of S's merged members,
 *   |(S \ M) ∪ T| = |S| − |S ∩ M| + |T| − |T ∩ S| + |T ∩ M ∩ S|,
 * so only T (few, next to the rest) is built; the large bitmaps are only intersected and
 * counted. `state` and `survivors` are columns of the caller's rows: `survivorsOf(state)`
 * one level below, so that each is computed once. Building (S \ M) ∪ T for each result row
 * cost ~0.5 s of the 1.2 s of a quarter's active persons by four dimensions on the 100 M
 * demo.
 */
export function resolvedCount(state: Fragment, survivors: Fragment): { count: Fragment; unnumbered: Fragment } {
  const merged = sql`merged_numbers`;
  return {
    count: sql`(bitmapCardinality(${state}) - bitmapAndCardinality(${state}, ${merged}) + bitmapCardinality(${survivors})
      - bitmapAndCardinality(${survivors}, ${state}) + bitmapAndCardinality(bitmapAnd(${survivors}, ${merged}), ${state}))`,
    unnumbered: sql`toUInt8(bitmapContains(${state}, toUInt32(0)) OR bitmapContains(${survivors}, toUInt32(0)))`,
  };
}

/**
 * The surviving persons of a bitmap's merged members (see `resolvedCount`), each looked up
 * in `person_override_numbers_join` (migration 0007; a number missing there gives 0, which
 * `resolvedCount` reports as UNNUMBERED). `transform` over the merged numbers' two arrays
 * gave the same rows but built its hash table of the 224 k merges again per result row:
 * ~0.45 s of a quarter's active persons by four dimensions on the 100 M demo.
 */
export function survivorsOf(state: Fragment, projectId: string): Fragment {
  return sql`bitmapBuild(arrayMap(x -> joinGet('person_override_numbers_join', 'override_num', ${p.string(projectId)}, x), bitmapToArray(bitmapAnd(${state}, merged_numbers))))`;
}
