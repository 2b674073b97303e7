import { z } from 'zod';
import { FupanError } from '../../core/errors/index.js';
import type { AnalysisContext } from './context.js';
import { LIMITS } from './limits.js';
import {
  addDays,
  addMonths,
  type CalendarDate,
  daysBetween,
  localDate,
  startOfLocalDay,
  startOfMonth,
  startOfQuarter,
  startOfWeek,
  assertTimeZone,
} from './time-zone.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const RELATIVE_NAMES = [
  'today',
  'yesterday',
  'this_week',
  'last_week',
  'this_month',
  'last_month',
  'this_quarter',
  'last_quarter',
  'this_year',
  'last_year',
] as const;
const LAST_N = /^last_(\d{1,4})_(days|weeks|months)$/;

const dateOrInstant = z.string().refine((s) => DATE.test(s) ? !Number.isNaN(Date.parse(s)) : !Number.isNaN(Date.parse(s)) && /T/.test(s), {
  message: 'expected a date YYYY-MM-DD or an ISO timestamp such as 2025-07-01T08:00:00Z',
});

/**
 * A date range: absolute `{ from, to }` (inclusive calendar dates in the project's time
 * zone, or ISO timestamps — `to` exclusive for timestamps) or a relative name
 * (`last_7_days`, `this_week`, `last_month`, `last_quarter`, …).
 */
export const dateRangeSchema = z.union([
  z.object({ from: dateOrInstant, to: dateOrInstant }).strict(),
  z
    .string()
    .refine((s) => (RELATIVE_NAMES as readonly string[]).includes(s) || LAST_N.test(s), {
      message: `expected { from, to } or one of ${RELATIVE_NAMES.join(', ')}, last_N_days, last_N_weeks, last_N_months`,
    }),
]);
export type DateRangeSpec = z.infer<typeof dateRangeSchema>;

/** A resolved range: UTC instants [from, to) plus the calendar dates it covers. */
export interface ResolvedRange {
  from: Date;
  to: Date;
  /** First calendar day (project time zone). */
  fromDate: CalendarDate;
  /** Last calendar day, inclusive. */
  toDate: CalendarDate;
  days: number;
}

/**
 * Resolves a range spec against the project's time zone, week start and "now".
 *
 * @example resolveRange('last_7_days', ctx) // today and the six days before it
 */
export function resolveRange(spec: DateRangeSpec, ctx: Pick<AnalysisContext, 'timeZone' | 'weekStart' | 'now'>): ResolvedRange {
  const tz = assertTimeZone(ctx.timeZone);
  if (typeof spec !== 'string') {
    if (DATE.test(spec.from) && DATE.test(spec.to)) return fromDates(spec.from, spec.to, tz);
    const from = new Date(spec.from);
    const to = new Date(spec.to);
    if (!(to > from)) throw new FupanError('invalid_input', { path: 'dateRange.to', problem: 'must be after dateRange.from' });
    const fromDate = localDate(from, tz);
    const toDate = localDate(new Date(to.getTime() - 1), tz);
    return check({ from, to, fromDate, toDate, days: daysBetween(fromDate, toDate) + 1 });
  }
  const today = localDate(ctx.now, tz);
  const m = LAST_N.exec(spec);
  if (m) {
    const n = Number(m[1]);
    const unit = m[2];
    const start = unit === 'days' ? addDays(today, -(n - 1)) : unit === 'weeks' ? addDays(today, -(7 * n - 1)) : addDays(addMonths(today, -n), 1);
    return fromDates(start, today, tz);
  }
  switch (spec) {
    case 'today':
      return fromDates(today, today, tz);
    case 'yesterday':
      return fromDates(addDays(today, -1), addDays(today, -1), tz);
    case 'this_week':
      return fromDates(startOfWeek(today, ctx.weekStart), today, tz);
    case 'last_week': {
      const start = addDays(startOfWeek(today, ctx.weekStart), -7);
      return fromDates(start, addDays(start, 6), tz);
    }
    case 'this_month':
      return fromDates(startOfMonth(today), today, tz);
    case 'last_month': {
      const start = addMonths(startOfMonth(today), -1);
      return fromDates(start, addDays(startOfMonth(today), -1), tz);
    }
    case 'this_quarter':
      return fromDates(startOfQuarter(today), today, tz);
    case 'last_quarter': {
      const start = addMonths(startOfQuarter(today), -3);
      return fromDates(start, addDays(startOfQuarter(today), -1), tz);
    }
    case 'this_year':
      return fromDates(`${today.slice(0, 4)}-01-01`, today, tz);
    case 'last_year': {
      const y = Number(today.slice(0, 4)) - 1;
      return fromDates(`${y}-01-01`, `${y}-12-31`, tz);
    }
    default:
      throw new FupanError('invalid_input', { path: 'dateRange', problem: `unknown range ${spec}` });
  }
}

/** Inclusive calendar dates → [local midnight of from, local midnight after to). */
export function fromDates(fromDate: CalendarDate, toDate: CalendarDate, timeZone: string): ResolvedRange {
  if (toDate < fromDate) throw new FupanError('invalid_input', { path: 'dateRange.to', problem: 'must not be before dateRange.from' });
  return check({
    from: startOfLocalDay(fromDate, timeZone),
    to: startOfLocalDay(addDays(toDate, 1), timeZone),
    fromDate,
    toDate,
    days: daysBetween(fromDate, toDate) + 1,
  });
}

function check(range: ResolvedRange): ResolvedRange {
  if (range.days > LIMITS.maxRangeDays) {
    throw new FupanError('too_expensive', {
      problem: `a date range of ${range.days} days`,
      hint: `Use at most ${LIMITS.maxRangeDays} days / 日期范围最多 ${LIMITS.maxRangeDays} 天`,
    });
  }
  return range;
}

export type ComparisonKind = 'previous_period' | 'previous_year';

/**
 * The range a comparison is made against. 环比 (`previous_period`): the same number of
 * days immediately before (a calendar month compares to the previous calendar month, a
 * quarter to the previous quarter). 同比 (`previous_year`): the same calendar dates one
 * year earlier; a range of whole weeks shifts by 52 weeks instead, so weekdays line up.
 */
export function comparisonRange(range: ResolvedRange, kind: ComparisonKind, timeZone: string): ResolvedRange {
  const isMonthly = range.fromDate.endsWith('-01') && addDays(range.toDate, 1).endsWith('-01');
  const months = isMonthly ? monthsBetween(range.fromDate, addDays(range.toDate, 1)) : 0;
  if (kind === 'previous_period') {
    if (months > 0) return fromDates(addMonths(range.fromDate, -months), addDays(range.fromDate, -1), timeZone);
    return fromDates(addDays(range.fromDate, -range.days), addDays(range.fromDate, -1), timeZone);
  }
  if (!isMonthly && range.days % 7 === 0) {
    return fromDates(addDays(range.fromDate, -364), addDays(range.toDate, -364), timeZone);
  }
  return fromDates(addMonths(range.fromDate, -12), isMonthly ? addDays(addMonths(addDays(range.toDate, 1), -12), -1) : addMonths(range.toDate, -12), timeZone);
}

function monthsBetween(a: CalendarDate, b: CalendarDate): number {
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
}
