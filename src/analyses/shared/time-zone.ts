import { z } from 'zod';
import { FupanError } from '../../core/errors/index.js';
import { zoneOffsetMs } from '../../core/time-zone.js';

/**
 * Calendar arithmetic in a project's time zone, done in JS so that date filters become
 * plain UTC instants (`timestamp >= … AND timestamp < …`) and keep using the events
 * table's primary key. Only bucketing (toStartOfDay(timestamp, tz)) happens in SQL.
 */

const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

/**
 * Known to the runtime: its list holds canonical names only (Asia/Calcutta, not the
 * current Asia/Kolkata), so other IANA names are accepted when Intl resolves them.
 */
export function isTimeZone(tz: string): boolean {
  if (TIME_ZONES.has(tz)) return true;
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){1,2}$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name from the runtime's list; anything else is rejected before SQL. */
export const timeZoneSchema = z.string().refine(isTimeZone, { message: 'expected an IANA time zone such as Asia/Shanghai or UTC' });

/** Throws `invalid_input` unless `tz` is a known IANA zone (defence in depth: zones also travel as parameters). */
export function assertTimeZone(tz: string): string {
  if (!isTimeZone(tz)) throw new FupanError('invalid_input', { path: 'timeZone', problem: 'expected an IANA time zone such as Asia/Shanghai or UTC' });
  return tz;
}

/** A calendar date `YYYY-MM-DD` (no time zone attached). */
export type CalendarDate = string;

/** Date formatters by time zone, made once (see `zoneOffsetMs` in src/core/time-zone.ts for why). */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function cachedFormat(cache: Map<string, Intl.DateTimeFormat>, timeZone: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = cache.get(timeZone);
  if (!f) {
    f = make();
    cache.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in minutes (Asia/Shanghai: 480). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  return Math.round(zoneOffsetMs(instant.getTime(), timeZone) / 60000);
}

/**
 * The UTC instant of local midnight starting `date` in `timeZone`.
 *
 * @example startOfLocalDay('2025-07-01', 'Asia/Shanghai').toISOString() // '2025-06-30T16:00:00.000Z'
 */
export function startOfLocalDay(date: CalendarDate, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  // Two passes settle DST transitions: the offset at the guess may differ from the one
  // at the true instant by the DST shift.
  let instant = guess - offsetMinutes(new Date(guess), timeZone) * 60000;
  instant = guess - offsetMinutes(new Date(instant), timeZone) * 60000;
  return new Date(instant);
}

/**
 * Where a trailing window of `days` local days ending on each day of a range reaches back
 * to: local midnight `days - 1` days before the range's first day (the range's own start
 * for one-day windows).
 */
export function trailingWindowStart(range: { from: Date; fromDate: CalendarDate }, days: number, timeZone: string): Date {
  return days > 1 ? startOfLocalDay(addDays(range.fromDate, -(days - 1)), timeZone) : range.from;
}

/** The calendar date of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): CalendarDate {
  return cachedFormat(dateFormats, timeZone, () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })).format(instant);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 86400000);
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayIndex(date: CalendarDate): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

export function startOfWeek(date: CalendarDate, weekStart: 'monday' | 'sunday'): CalendarDate {
  const monday = weekdayIndex(date);
  const back = weekStart === 'monday' ? monday : (monday + 1) % 7;
  return addDays(date, -back);
}

export function startOfMonth(date: CalendarDate): CalendarDate {
  return `${date.slice(0, 7)}-01`;
}

export function startOfQuarter(date: CalendarDate): CalendarDate {
  const month = Number(date.slice(5, 7));
  const q = Math.floor((month - 1) / 3) * 3 + 1;
  return `${date.slice(0, 4)}-${String(q).padStart(2, '0')}-01`;
}
