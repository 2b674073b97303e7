import { FupanError } from '../../core/errors/index.js';
import { fromDates, type ResolvedRange } from './date-range.js';
import { addDays, addMonths, type CalendarDate, daysBetween, weekdayIndex } from './time-zone.js';

/**
 * A reporting period: an ISO week (`2025-W28`, Monday to Sunday), a calendar month
 * (`2025-07`), a quarter (`2025-Q3`) or custom inclusive dates (`2025-07-01..2025-07-20`).
 * Goals and reports name their period this way; one parser serves both.
 */
export type PeriodKind = 'week' | 'month' | 'quarter' | 'custom';

export interface Period {
  kind: PeriodKind;
  /** The canonical label, e.g. `2025-W28`. */
  label: string;
  fromDate: CalendarDate;
  /** Inclusive. */
  toDate: CalendarDate;
  days: number;
}

const WEEK = /^(\d{4})-W(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const CUSTOM = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/;

function validDate(d: string): boolean {
  return !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;
}

/** Monday of ISO week 1: the week holding 4 January. */
function isoWeekOneMonday(year: number): CalendarDate {
  const jan4 = `${year}-01-04`;
  return addDays(jan4, -weekdayIndex(jan4));
}

function isoWeeksIn(year: number): number {
  return daysBetween(isoWeekOneMonday(year), isoWeekOneMonday(year + 1)) / 7;
}

/** The ISO week label of a date (`2025-07-07` → `2025-W28`). */
export function isoWeekLabel(date: CalendarDate): string {
  const thursday = addDays(date, 3 - weekdayIndex(date));
  const year = Number(thursday.slice(0, 4));
  const week = daysBetween(isoWeekOneMonday(year), thursday) / 7 + 1;
  return `${year}-W${String(Math.floor(week)).padStart(2, '0')}`;
}

/**
 * Parses a period label.
 *
 * @example parsePeriod('2025-W28') // { kind: 'week', fromDate: '2025-07-07', toDate: '2025-07-13', days: 7, … }
 * @example parsePeriod('2025-Q3')  // 2025-07-01 … 2025-09-30
 */
export function parsePeriod(text: string): Period {
  const s = text.trim();
  const fail = () => new FupanError('period_invalid', { period: text });
  let m = WEEK.exec(s);
  if (m) {
    const year = Number(m[1]);
    const week = Number(m[2]);
    if (week < 1 || week > isoWeeksIn(year)) throw fail();
    const from = addDays(isoWeekOneMonday(year), (week - 1) * 7);
    return make('week', s, from, addDays(from, 6));
  }
  m = MONTH.exec(s);
  if (m) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) throw fail();
    const from = `${m[1]}-${m[2]}-01`;
    return make('month', s, from, addDays(addMonths(from, 1), -1));
  }
  m = QUARTER.exec(s);
  if (m) {
    const q = Number(m[2]);
    const from = `${m[1]}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`;
    return make('quarter', s, from, addDays(addMonths(from, 3), -1));
  }
  m = CUSTOM.exec(s);
  if (m) {
    const [from, to] = [m[1]!, m[2]!];
    if (!validDate(from) || !validDate(to) || to < from) throw fail();
    return make('custom', s, from, to);
  }
  throw fail();
}

function make(kind: PeriodKind, label: string, fromDate: CalendarDate, toDate: CalendarDate): Period {
  return { kind, label, fromDate, toDate, days: daysBetween(fromDate, toDate) + 1 };
}

/** A custom period over inclusive dates. */
export function customPeriod(fromDate: CalendarDate, toDate: CalendarDate): Period {
  return parsePeriod(`${fromDate}..${toDate}`);
}

/**
 * The period before: the previous ISO week, month or quarter; for a custom period the
 * same number of days immediately before it. This is a goal's default baseline period and
 * a report's 环比 basis.
 */
export function previousPeriod(period: Period): Period {
  switch (period.kind) {
    case 'week':
      return parsePeriod(isoWeekLabel(addDays(period.fromDate, -7)));
    case 'month':
      return parsePeriod(addMonths(period.fromDate, -1).slice(0, 7));
    case 'quarter': {
      const from = addMonths(period.fromDate, -3);
      return parsePeriod(`${from.slice(0, 4)}-Q${Math.floor((Number(from.slice(5, 7)) - 1) / 3) + 1}`);
    }
    default:
      return customPeriod(addDays(period.fromDate, -period.days), addDays(period.fromDate, -1));
  }
}

/** The same period one year earlier (同比): ISO week number, month or quarter of the year before. */
export function samePeriodLastYear(period: Period): Period {
  const year = Number(period.fromDate.slice(0, 4));
  switch (period.kind) {
    case 'week': {
      const week = Number(period.label.slice(6));
      const y = Number(period.label.slice(0, 4)) - 1;
      return parsePeriod(`${y}-W${String(Math.min(week, isoWeeksIn(y))).padStart(2, '0')}`);
    }
    case 'month':
      return parsePeriod(`${year - 1}${period.label.slice(4)}`);
    case 'quarter':
      return parsePeriod(`${year - 1}${period.label.slice(4)}`);
    default:
      return customPeriod(addMonths(period.fromDate, -12), addMonths(period.toDate, -12));
  }
}

/** A span of calendar days (inclusive) counted so far, and whether that is the whole period. */
export interface CountedSpan {
  fromDate: CalendarDate;
  toDate: CalendarDate;
  complete: boolean;
  /** Days counted (0 before the period starts). */
  days: number;
}

/**
 * The days of a period counted at `asOfDate`, the last complete day (yesterday in the
 * project's time zone): from its start to that day, or the whole period once it is over.
 */
export function countedSpan(period: Pick<Period, 'fromDate' | 'toDate'>, asOfDate: CalendarDate): CountedSpan {
  const toDate = period.toDate <= asOfDate ? period.toDate : asOfDate;
  return { fromDate: period.fromDate, toDate, complete: toDate === period.toDate, days: Math.max(0, daysBetween(period.fromDate, toDate) + 1) };
}

/**
 * The basis of a comparison (环比, 同比) for a period still running: the same number of
 * counted days from the start of the basis period, so 51 days of a quarter are compared
 * with the first 51 days of the one before (like for like), not with all of it. A
 * complete period is compared with the whole basis period. Before the period starts
 * nothing is counted, and the basis is empty too (it ends the day before it starts).
 */
export function likeForLike(basis: Pick<Period, 'fromDate' | 'toDate'>, counted: CountedSpan): { fromDate: CalendarDate; toDate: CalendarDate } {
  if (counted.complete) return { fromDate: basis.fromDate, toDate: basis.toDate };
  if (counted.days === 0) return { fromDate: basis.fromDate, toDate: addDays(basis.fromDate, -1) };
  const to = addDays(basis.fromDate, counted.days - 1);
  return { fromDate: basis.fromDate, toDate: to < basis.toDate ? to : basis.toDate };
}

/** The period's UTC instants in a project's time zone. */
export function periodRange(period: Period, timeZone: string): ResolvedRange {
  return fromDates(period.fromDate, period.toDate, timeZone);
}

/**
 * 时间进度: the elapsed share of the period at `now`, from 0 (not started) to 1 (over),
 * measured on the period's instants in the project's time zone.
 *
 * @example elapsedShare(parsePeriod('2025-07'), new Date('2025-07-11T00:00:00Z'), 'UTC') // 10 / 31
 */
export function elapsedShare(period: Period, now: Date, timeZone: string): number {
  const r = periodRange(period, timeZone);
  const share = (now.getTime() - r.from.getTime()) / (r.to.getTime() - r.from.getTime());
  return Math.min(1, Math.max(0, share));
}
