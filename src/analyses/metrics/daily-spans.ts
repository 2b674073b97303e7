import type { CompiledQuery } from '../../sql/types.js';
import type { Atom, AtomRow } from './compile.js';
import type { DateSpan } from './evaluate.js';
import type { Segment } from './segment.js';

/**
 * Each day of a daily two-step read, kept as the answer to that day read as a span of its
 * own: the same persons (those with an entry that day, valued by its first entry) and, as
 * `day_num`, those converted within the window, which may end the next day (see
 * `twoStepFunnel`). A report flags days from the daily series and then reads each flagged
 * day by dimension; on the 100 M demo those were passes of their own, 0.35 and 0.22 s
 * for the call rate's three days and the sign-up rate's one, now no query.
 *
 * A day is answered for a segment when a daily read of the same atom by that segment
 * covered it (a day inside the read's counted span with no row for the segment has no
 * entries: an empty answer). The query is the daily read's, which holds the day's rows.
 */
export class DailySpans {
  private reads = new Map<string, { span: DateSpan; query: CompiledQuery; days: Map<string, Map<string, AtomRow>> }[]>();

  /** Keeps a daily read's rows (`YYYY-MM-DD|value` tags, untagged) for segment `s` (with `byDay`). */
  record(atom: Atom, s: Segment, span: DateSpan, query: CompiledQuery, rows: readonly (AtomRow & { day_num: number })[]): void {
    const days = new Map<string, Map<string, AtomRow>>();
    for (const r of rows) {
      const cut = r.seg.indexOf('|');
      const day = r.seg.slice(0, cut);
      const value = r.seg.slice(cut + 1);
      const m = days.get(day) ?? new Map<string, AtomRow>();
      m.set(value, { seg: value, num: Number(r.day_num), den: Number(r.den), x: 0 });
      days.set(day, m);
    }
    const key = DailySpans.key(atom, s.property, s.type);
    this.reads.set(key, [...(this.reads.get(key) ?? []), { span, query, days }]);
  }

  /** A one-day span's rows for segment `s` (not by day, no value) and the query they came from; undefined when no daily read covered the day. */
  day(atom: Atom, s: Segment, span: DateSpan): { rows: Map<string, AtomRow>; query: CompiledQuery } | undefined {
    if (s.byDay || s.value !== undefined || span.fromDate !== span.toDate) return undefined;
    const day = span.fromDate;
    const read = this.reads.get(DailySpans.key(atom, s.property, s.type))?.find((r) => r.span.fromDate <= day && day <= r.span.toDate);
    return read && { rows: new Map(read.days.get(day) ?? []), query: read.query };
  }

  private static key(atom: Atom, property: string, type: Segment['type']): string {
    return JSON.stringify([atom, property, type]);
  }
}
