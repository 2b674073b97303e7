import { describe, expect, it } from 'vitest';
import { comparisonRange, resolveRange } from './date-range.js';

const sh: { timeZone: string; weekStart: 'monday' | 'sunday'; now: Date } = { timeZone: 'Asia/Shanghai', weekStart: 'monday', now: new Date('2025-07-08T04:00:00Z') }; // Tuesday 12:00 in Shanghai
const dates = (spec: Parameters<typeof resolveRange>[0], ctx = sh) => {
  const r = resolveRange(spec, ctx);
  return [r.fromDate, r.toDate, r.days];
};

describe('resolveRange: every relative name (now = Tue 2025-07-08 12:00 Shanghai)', () => {
  it.each([
    ['today', '2025-07-08', '2025-07-08', 1],
    ['yesterday', '2025-07-07', '2025-07-07', 1],
    ['this_week', '2025-07-07', '2025-07-08', 2],
    ['last_week', '2025-06-30', '2025-07-06', 7],
    ['this_month', '2025-07-01', '2025-07-08', 8],
    ['last_month', '2025-06-01', '2025-06-30', 30],
    ['this_quarter', '2025-07-01', '2025-07-08', 8],
    ['last_quarter', '2025-04-01', '2025-06-30', 91],
    ['this_year', '2025-01-01', '2025-07-08', 189],
    ['last_year', '2024-01-01', '2024-12-31', 366],
    ['last_7_days', '2025-07-02', '2025-07-08', 7],
    ['last_30_days', '2025-06-09', '2025-07-08', 30],
    ['last_2_weeks', '2025-06-25', '2025-07-08', 14],
    ['last_3_months', '2025-04-09', '2025-07-08', 91],
  ] as const)('%s', (name, from, to, days) => {
    expect(dates(name)).toEqual([from, to, days]);
  });

  it('weeks follow the week start', () => {
    const sunday = { ...sh, weekStart: 'sunday' as const };
    expect(dates('this_week', sunday)).toEqual(['2025-07-06', '2025-07-08', 3]);
    expect(dates('last_week', sunday)).toEqual(['2025-06-29', '2025-07-05', 7]);
  });

  it('"today" is the project time zone\'s today', () => {
    const now = new Date('2025-07-07T20:00:00Z'); // 07-08 04:00 in Shanghai
    expect(dates('today', { ...sh, now })).toEqual(['2025-07-08', '2025-07-08', 1]);
    expect(dates('today', { ...sh, now, timeZone: 'UTC' })).toEqual(['2025-07-07', '2025-07-07', 1]);
  });

  it('calendar dates become local midnights, across DST', () => {
    const r = resolveRange({ from: '2025-07-01', to: '2025-07-01' }, sh);
    expect([r.from.toISOString(), r.to.toISOString()]).toEqual(['2025-06-30T16:00:00.000Z', '2025-07-01T16:00:00.000Z']);
    const ny = resolveRange({ from: '2025-03-09', to: '2025-03-09' }, { ...sh, timeZone: 'America/New_York' });
    expect([ny.from.toISOString(), ny.to.toISOString()]).toEqual(['2025-03-09T05:00:00.000Z', '2025-03-10T04:00:00.000Z']);
  });

  it('ISO timestamps are instants, `to` exclusive', () => {
    const r = resolveRange({ from: '2025-07-01T08:00:00Z', to: '2025-07-02T08:00:00Z' }, sh);
    expect([r.from.toISOString(), r.to.toISOString(), r.fromDate, r.toDate, r.days]).toEqual(['2025-07-01T08:00:00.000Z', '2025-07-02T08:00:00.000Z', '2025-07-01', '2025-07-02', 2]);
  });

  it('rejects backwards, empty and oversized ranges, and bad time zones', () => {
    expect(() => resolveRange({ from: '2025-07-02', to: '2025-07-01' }, sh)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => resolveRange({ from: '2025-07-02T00:00:00Z', to: '2025-07-02T00:00:00Z' }, sh)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => resolveRange('last_0_days', sh)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => resolveRange('last_9999_days', sh)).toThrow(expect.objectContaining({ code: 'too_expensive' }));
    expect(() => resolveRange({ from: '1990-01-01', to: '2025-01-01' }, sh)).toThrow(expect.objectContaining({ code: 'too_expensive' }));
    expect(() => resolveRange('today', { ...sh, timeZone: "UTC'); DROP TABLE events; --" })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});

describe('comparisonRange (环比 / 同比)', () => {
  const cmp = (from: string, to: string, kind: 'previous_period' | 'previous_year') => {
    const r = comparisonRange(resolveRange({ from, to }, sh), kind, sh.timeZone);
    return [r.fromDate, r.toDate];
  };
  it('previous period', () => {
    expect(cmp('2025-07-01', '2025-07-10', 'previous_period')).toEqual(['2025-06-21', '2025-06-30']);
    expect(cmp('2025-07-01', '2025-07-31', 'previous_period')).toEqual(['2025-06-01', '2025-06-30']);
    expect(cmp('2025-04-01', '2025-06-30', 'previous_period')).toEqual(['2025-01-01', '2025-03-31']);
    expect(cmp('2025-03-01', '2025-03-31', 'previous_period')).toEqual(['2025-02-01', '2025-02-28']);
  });
  it('previous year: same dates, or 52 weeks back for whole weeks', () => {
    expect(cmp('2025-07-01', '2025-07-31', 'previous_year')).toEqual(['2024-07-01', '2024-07-31']);
    expect(cmp('2025-06-30', '2025-07-06', 'previous_year')).toEqual(['2024-07-01', '2024-07-07']);
    expect(cmp('2024-02-01', '2024-02-29', 'previous_year')).toEqual(['2023-02-01', '2023-02-28']);
    expect(cmp('2025-07-01', '2025-07-10', 'previous_year')).toEqual(['2024-07-01', '2024-07-10']);
  });
});
