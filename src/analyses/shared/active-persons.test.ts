import { describe, expect, it } from 'vitest';
import { localMidnights, rollupSpans } from './active-persons.js';

const iso = (spans: [Date, Date][]) => spans.map(([a, b]) => `${a.toISOString().slice(0, 16)}..${b.toISOString().slice(0, 16)}`);

describe('rollupSpans: whole UTC days from the daily rollup, the rest as hours', () => {
  it('reads a Shanghai quarter as its 91 inner UTC days and two edges', () => {
    // 2026-Q3 in Asia/Shanghai is 06-30T16:00Z … 09-30T16:00Z: the UTC days 07-01 … 09-29
    // lie inside; 06-30 16:00–24:00 and 09-30 00:00–16:00 are the edges.
    const s = rollupSpans(new Date('2026-06-30T16:00:00Z'), new Date('2026-09-30T16:00:00Z'), []);
    expect(iso(s.days)).toEqual(['2026-07-01T00:00..2026-09-30T00:00']);
    expect(iso(s.hours)).toEqual(['2026-06-30T16:00..2026-07-01T00:00', '2026-09-30T00:00..2026-09-30T16:00']);
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
