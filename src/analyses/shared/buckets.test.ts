import { describe, expect, it } from 'vitest';
import { compile, sql } from '../../sql/index.js';
import { bucketKey, listBuckets } from './buckets.js';
import { fromDates } from './date-range.js';
import { timeZoneSchema } from './time-zone.js';

const sh = { timeZone: 'Asia/Shanghai', weekStart: 'monday' as const };

describe('buckets', () => {
  it('lists every bucket, partial first week included', () => {
    const r = fromDates('2025-07-01', '2025-07-15', sh.timeZone);
    expect(listBuckets(r, 'week', sh).map((b) => [b.key, b.lastDate])).toEqual([
      ['2025-06-30', '2025-07-06'],
      ['2025-07-07', '2025-07-13'],
      ['2025-07-14', '2025-07-15'],
    ]);
    expect(listBuckets(r, 'week', { ...sh, weekStart: 'sunday' }).map((b) => b.key)).toEqual(['2025-06-29', '2025-07-06', '2025-07-13']);
    expect(listBuckets(fromDates('2025-01-15', '2025-03-01', 'UTC'), 'month', sh).map((b) => b.key)).toEqual(['2025-01-01', '2025-02-01', '2025-03-01']);
  });

  it('hours follow the clock, DST included', () => {
    const ny = { timeZone: 'America/New_York', weekStart: 'monday' as const };
    const hours = listBuckets(fromDates('2025-03-09', '2025-03-09', ny.timeZone), 'hour', ny);
    expect(hours).toHaveLength(23);
    expect(hours.slice(0, 3).map((h) => h.label)).toEqual(['2025-03-09 00:00', '2025-03-09 01:00', '2025-03-09 03:00']);
    expect(hours[0]!.key).toBe(String(Date.parse('2025-03-09T05:00:00Z') / 1000));
  });

  it('limits hourly ranges', () => {
    expect(() => listBuckets(fromDates('2025-01-01', '2025-12-31', 'UTC'), 'hour', sh)).toThrow(expect.objectContaining({ code: 'too_expensive' }));
  });

  it('the time zone schema accepts IANA names only', () => {
    expect(timeZoneSchema.safeParse('Asia/Shanghai').success).toBe(true);
    // the runtime lists Asia/Calcutta; the current name must be accepted too
    expect(timeZoneSchema.safeParse('Asia/Kolkata').success).toBe(true);
    expect(timeZoneSchema.safeParse('Mars/Olympus').success).toBe(false);
    expect(timeZoneSchema.safeParse("UTC'); DROP TABLE events; --").success).toBe(false);
  });

  it('the time zone is a parameter', () => {
    const q = compile(bucketKey('week', sql`timestamp`, { timeZone: "UTC'); DROP TABLE events; --", weekStart: 'sunday' }));
    expect(q.sql).toBe('toString(toStartOfWeek(timestamp, 0, {p0:String}))');
  });
});
