import { describe, expect, it } from 'vitest';
import { compile } from '../sql/index.js';
import { makePlan } from './plan.js';
import { insertEvents } from './sql/events.js';
import { localDate, plantedFacts } from './story.js';

describe('plantedFacts', () => {
  it('puts the anomaly, the shift and the experiment relative to today', () => {
    // 2025-07-16 is a Wednesday: last complete week is 07-07 … 07-13.
    const f = plantedFacts('2025-07-16');
    expect(f.lastWeek).toEqual({ from: '2025-07-07', to: '2025-07-13' });
    expect(f.anomaly).toMatchObject({ date: '2025-07-09', appVersion: '2.20.0', event: 'robot_call' });
    expect(f.shift).toMatchObject({ channel: 'xiaohongshu', from: '2025-07-07', before: 0.6 });
    expect(f.shift.after).toBeCloseTo(0.36);
    expect(f.experiment).toMatchObject({ start: '2025-06-16', end: '2025-07-13', preStart: '2025-06-02', preEnd: '2025-06-15' });
    expect(f.firstDay).toBe('2025-01-18');
    expect(f.releases.at(-1)).toEqual({ version: '2.20.0', date: '2025-07-07' });
    expect(f.releases.at(-2)).toEqual({ version: '2.19.0', date: '2025-06-23' });
    expect(f.releases[0]!.date <= f.firstDay).toBe(true);
  });

  it('on a Monday, last week is the seven days before', () => {
    expect(plantedFacts('2025-07-14').lastWeek).toEqual({ from: '2025-07-07', to: '2025-07-13' });
  });

  it('reads today in Asia/Shanghai', () => {
    expect(localDate(new Date('2025-07-15T16:30:00Z'))).toBe('2025-07-16');
    expect(localDate(new Date('2025-07-15T15:59:59Z'))).toBe('2025-07-15');
  });
});

describe('makePlan', () => {
  const now = new Date('2025-07-16T04:00:00Z');
  it('spreads persons over acquisition days and chunks them, deterministically', () => {
    const a = makePlan({ events: 400_000, now });
    expect(a.persons).toBe(10_000);
    expect(a.cohortEnds.at(-1)).toBe(10_000);
    expect(a.chunks.reduce((n, c) => n + c.count, 0)).toBe(10_000);
    expect(makePlan({ events: 400_000, now })).toEqual(a);
    expect(makePlan({ events: 400_000, now, seed: 1 }).cohortEnds).not.toEqual(a.cohortEnds);
  });

  it('rejects impossible sizes', () => {
    expect(() => makePlan({ events: 10 })).toThrow(/events/);
    expect(() => makePlan({ days: 30 })).toThrow(/days/);
  });

  it('sends every value as a typed parameter', () => {
    const plan = makePlan({ events: 50_000, now });
    const q = compile(insertEvents(plan, plan.chunks[0]!));
    expect(q.sql).toContain('{p0:UInt64} AS seed');
    expect(q.sql).not.toContain(plan.projectId === 'demo' ? "'demo'" : plan.projectId);
    expect(Object.keys(q.params).length).toBeGreaterThan(50);
  });
});
