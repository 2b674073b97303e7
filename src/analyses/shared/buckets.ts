import { z } from 'zod';
import { FupanError } from '../../core/errors/index.js';
import { type Fragment, p, sql } from '../../sql/index.js';
import type { AnalysisContext } from './context.js';
import type { ResolvedRange } from './date-range.js';
import { LIMITS } from './limits.js';
import { addDays, addMonths, type CalendarDate, localDate, startOfLocalDay, startOfMonth, startOfWeek } from './time-zone.js';

export const INTERVALS = ['hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];
export const intervalSchema = z.enum(INTERVALS, { error: `expected one of ${INTERVALS.join(', ')}` });

/** One time bucket of a series. */
export interface Bucket {
  /** The key the SQL bucket expression yields: a local date, or unix seconds for hours. */
  key: string;
  /** UTC instant the bucket starts at (may be before the range for a partial first week / month). */
  start: Date;
  /** Local label: `YYYY-MM-DD`, or `YYYY-MM-DD HH:00` for hours. */
  label: string;
  /** Last local calendar day of the bucket that lies inside the range. */
  lastDate: CalendarDate;
}

type BucketCtx = Pick<AnalysisContext, 'timeZone' | 'weekStart'>;

/**
 * The SQL key of the bucket an instant falls in, cut in the project's time zone (the zone
 * travels as a typed parameter). Weeks start on the project's week start (ClickHouse week
 * mode 1 = Monday, 0 = Sunday). Keys are strings so hours and days share one result type.
 *
 * @example bucketKey('week', sql`timestamp`, { timeZone: 'Asia/Shanghai', weekStart: 'monday' })
 */
export function bucketKey(interval: Interval, ts: Fragment, ctx: BucketCtx): Fragment {
  const tz = p.string(ctx.timeZone);
  switch (interval) {
    case 'hour':
      return sql`toString(toUnixTimestamp(toStartOfHour(${ts}, ${tz})))`;
    case 'day':
      return sql`toString(toDate(${ts}, ${tz}))`;
    case 'week':
      return sql`toString(toStartOfWeek(${ts}, ${sql.trusted(ctx.weekStart === 'sunday' ? '0' : '1')}, ${tz}))`;
    case 'month':
      return sql`toString(toStartOfMonth(${ts}, ${tz}))`;
  }
}

/** The first calendar day of the bucket holding `date`. */
export function bucketStartDate(interval: Exclude<Interval, 'hour'>, date: CalendarDate, weekStart: 'monday' | 'sunday'): CalendarDate {
  return interval === 'day' ? date : interval === 'week' ? startOfWeek(date, weekStart) : startOfMonth(date);
}

/** The bucket after the one starting on `date`. */
export function nextBucketDate(interval: Exclude<Interval, 'hour'>, date: CalendarDate): CalendarDate {
  return interval === 'day' ? addDays(date, 1) : interval === 'week' ? addDays(date, 7) : addMonths(date, 1);
}

/**
 * Every bucket of a range, in order, so results can be zero-filled. Hourly series are
 * limited to `LIMITS.maxHourlyRangeDays`; any series to `LIMITS.maxBuckets` buckets.
 */
export function listBuckets(range: ResolvedRange, interval: Interval, ctx: BucketCtx): Bucket[] {
  const tz = ctx.timeZone;
  if (interval === 'hour' && range.days > LIMITS.maxHourlyRangeDays) {
    throw new FupanError('too_expensive', {
      problem: `an hourly series over ${range.days} days`,
      hint: `Use interval day, or at most ${LIMITS.maxHourlyRangeDays} days / 按小时最多 ${LIMITS.maxHourlyRangeDays} 天，或改用按天`,
    });
  }
  const out: Bucket[] = [];
  if (interval === 'hour') {
    for (let t = range.from.getTime(); t < range.to.getTime(); t += 3600_000) {
      const start = new Date(t);
      out.push({ key: String(t / 1000), start, label: localHourLabel(start, tz), lastDate: localDate(start, tz) });
    }
    return out;
  }
  for (let d = bucketStartDate(interval, range.fromDate, ctx.weekStart); d <= range.toDate; d = nextBucketDate(interval, d)) {
    const last = addDays(nextBucketDate(interval, d), -1);
    out.push({ key: d, start: startOfLocalDay(d, tz), label: d, lastDate: last < range.toDate ? last : range.toDate });
    if (out.length > LIMITS.maxBuckets) break;
  }
  if (out.length > LIMITS.maxBuckets) {
    throw new FupanError('too_expensive', { problem: `more than ${LIMITS.maxBuckets} buckets`, hint: 'Use a coarser interval / 请改用更粗的时间粒度' });
  }
  return out;
}

function localHourLabel(instant: Date, timeZone: string): string {
  const hour = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(instant);
  return `${localDate(instant, timeZone)} ${hour.padStart(2, '0')}:00`;
}
