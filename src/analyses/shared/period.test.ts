import { describe, expect, it } from 'vitest';
import { elapsedShare, isoWeekLabel, parsePeriod, previousPeriod, samePeriodLastYear } from './period.js';

describe('parsePeriod', () => {
  it('parses ISO weeks (Monday–Sunday, week 1 holds 4 January)', () => {
    expect(parsePeriod('2025-W28')).toMatchObject({ kind: 'week', fromDate: '2025-07-07', toDate: '2025-07-13', days: 7 });
    // 2025-01-04 is a Saturday → week 1 starts Monday 2024-12-30.
    expect(parsePeriod('2025-W01')).toMatchObject({ fromDate: '2024-12-30', toDate: '2025-01-05' });
    expect(parsePeriod('2020-W53').fromDate).toBe('2020-12-28');
    expect(() => parsePeriod('2025-W53')).toThrow(/period/i);
    expect(isoWeekLabel('2025-07-13')).toBe('2025-W28');
    expect(isoWeekLabel('2024-12-31')).toBe('2025-W01');
  });
  it('parses months, quarters and custom ranges', () => {
    expect(parsePeriod('2025-02')).toMatchObject({ kind: 'month', fromDate: '2025-02-01', toDate: '2025-02-28', days: 28 });
    expect(parsePeriod('2025-Q3')).toMatchObject({ kind: 'quarter', fromDate: '2025-07-01', toDate: '2025-09-30', days: 92 });
    expect(parsePeriod('2025-07-01..2025-07-20')).toMatchObject({ kind: 'custom', days: 20 });
    for (const bad of ['2025-13', '2025-Q5', '2025-07-20..2025-07-01', '2025-02-30..2025-03-01', 'last week', '']) {
      expect(() => parsePeriod(bad)).toThrow();
    }
  });
  it('finds the previous period and the same period last year', () => {
    expect(previousPeriod(parsePeriod('2025-W01')).label).toBe('2024-W52');
    expect(previousPeriod(parsePeriod('2025-03')).label).toBe('2025-02');
    expect(previousPeriod(parsePeriod('2025-01')).label).toBe('2024-12');
    expect(previousPeriod(parsePeriod('2025-Q1')).label).toBe('2024-Q4');
    expect(previousPeriod(parsePeriod('2025-07-01..2025-07-20'))).toMatchObject({ fromDate: '2025-06-11', toDate: '2025-06-30' });
    expect(samePeriodLastYear(parsePeriod('2025-W28')).label).toBe('2024-W28');
    expect(samePeriodLastYear(parsePeriod('2025-Q3')).label).toBe('2024-Q3');
  });
  it('measures 时间进度 in the project time zone', () => {
    const july = parsePeriod('2025-07');
    expect(elapsedShare(july, new Date('2025-07-11T00:00:00Z'), 'UTC')).toBeCloseTo(10 / 31, 12);
    // Shanghai midnight of 11 July is 16:00 UTC on 10 July.
    expect(elapsedShare(july, new Date('2025-07-10T16:00:00Z'), 'Asia/Shanghai')).toBeCloseTo(10 / 31, 12);
    expect(elapsedShare(july, new Date('2025-06-01T00:00:00Z'), 'UTC')).toBe(0);
    expect(elapsedShare(july, new Date('2025-09-01T00:00:00Z'), 'UTC')).toBe(1);
  });
});
