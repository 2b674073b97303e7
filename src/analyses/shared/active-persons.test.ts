import { describe, expect, it } from 'vitest';
import { localMidnights, rollupSpans } from './active-persons.js';

const iso = (spans: [Date, Date][]) => spans.map(([a, b]) => `${a.toISOString().slice(0, 16)}..${b.toISOString().slice(0, 16)}`);

describe('rollupSpans: whole UTC months and days from the monthly and daily rollups, the rest as hours', () => {
  it('reads a Shanghai quarter as its two inner UTC months, the days after them and two edges', () => {
    // 2026-Q3 in Asia/Shanghai is 06-30T16:00Z … 09-30T16:00Z: the UTC months July and
    // August lie inside, then the UTC days 09-01 … 09-29; 06-30 16:00–24:00 and
    // 09-30 00:00–16:00 are the edges (September ends after the quarter does).
    const s = rollupSpans(new Date('2026-06-30T16:00:00Z'), new Date('2026-09-30T16:00:00Z'), []);
    expect(iso(s.months)).toEqual(['2026-07-01T00:00..2026-09-01T00:00']);
    expect(iso(s.days)).toEqual(['2026-09-01T00:00..2026-09-30T00:00']);
    expect(iso(s.hours)).toEqual(['2026-06-30T16:00..2026-07-01T00:00', '2026-09-30T00:00..2026-09-30T16:00']);
  });

  it('never reads a UTC month inside a Shanghai month, and skips a month a bucket starts inside', () => {
    // 2026-08 in Shanghai is 07-31T16:00Z … 08-31T16:00Z: the UTC month August ends after it.
    const august = rollupSpans(new Date('2026-07-31T16:00:00Z'), new Date('2026-08-31T16:00:00Z'), []);
    expect(august.months).toEqual([]);
    expect(iso(august.days)).toEqual(['2026-08-01T00:00..2026-08-31T00:00']);
    // In UTC, months of a quarter split by local month each read their own UTC month…
    const from = new Date('2026-07-01T00:00:00Z');
    const to = new Date('2026-10-01T00:00:00Z');
    const byMonth = rollupSpans(from, to, [from, new Date('2026-08-01T00:00:00Z'), new Date('2026-09-01T00:00:00Z')]);
    expect(iso(byMonth.months)).toEqual(['2026-07-01T00:00..2026-10-01T00:00']);
    expect(byMonth.days).toEqual([]);
    expect(byMonth.hours).toEqual([]);
    // …and weeks cut every month, so a quarter by week reads days.
    const byWeek = rollupSpans(from, to, [new Date('2026-07-06T00:00:00Z'), new Date('2026-08-03T00:00:00Z'), new Date('2026-09-07T00:00:00Z')]);
    expect(byWeek.months).toEqual([]);
    expect(iso(byWeek.days)).toEqual(['2026-07-01T00:00..2026-10-01T00:00']);
    // A range of 40 days starting mid-month holds one whole month between its days.
    const mid = rollupSpans(new Date('2026-07-20T00:00:00Z'), new Date('2026-09-03T00:00:00Z'), []);
    expect(iso(mid.days)).toEqual(['2026-07-20T00:00..2026-08-01T00:00', '2026-09-01T00:00..2026-09-03T00:00']);
    expect(iso(mid.months)).toEqual(['2026-08-01T00:00..2026-09-01T00:00']);
  });

  it('skips a UTC day that a bucket starts inside', () => {
    // Shanghai weeks from Monday 07-06 (07-05T16:00Z) and 07-13 (07-12T16:00Z): the UTC day
    // 07-12 holds the cut and is read as hours, with the edges around it.
    const from = new Date('2026-07-05T16:00:00Z');
    const to = new Date('2026-07-19T16:00:00Z');
    const s = rollupSpans(from, to, [from, new Date('2026-07-12T16:00:00Z')]);
    expect(iso(s.days)).toEqual(['2026-07-06T00:00..2026-07-12T00:00', '2026-07-13T00:00..2026-07-19T00:00']);
    expect(iso(s.hours)).toEqual(['2026-07-05T16:00..2026-07-06T00:00', '2026-07-12T00:00..2026-07-13T00:00', '2026-07-19T00:00..2026-07-19T16:00']);
  });

  it('reads hours only when local days cut every UTC day, and days only in UTC', () => {
    const from = new Date('2026-07-05T16:00:00Z');
    const to = new Date('2026-07-08T16:00:00Z');
    const shanghai = rollupSpans(from, to, localMidnights(from, to, 'Asia/Shanghai'));
    expect(shanghai.days).toEqual([]);
    expect(iso(shanghai.hours)).toEqual(['2026-07-05T16:00..2026-07-08T16:00']);
    const f = new Date('2026-07-06T00:00:00Z');
    const t = new Date('2026-07-09T00:00:00Z');
    expect(localMidnights(f, t, 'UTC').map((d) => d.toISOString())).toEqual(['2026-07-07T00:00:00.000Z', '2026-07-08T00:00:00.000Z']);
    const utc = rollupSpans(f, t, localMidnights(f, t, 'UTC'));
    expect(iso(utc.days)).toEqual(['2026-07-06T00:00..2026-07-09T00:00']);
    expect(utc.hours).toEqual([]);
    // A range shorter than a day, or empty, is hours.
    expect(iso(rollupSpans(f, new Date('2026-07-06T05:00:00Z'), []).hours)).toEqual(['2026-07-06T00:00..2026-07-06T05:00']);
    expect(iso(rollupSpans(f, f, []).hours)).toEqual(['2026-07-06T00:00..2026-07-06T00:00']);
  });
});
