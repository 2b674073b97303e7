import { describe, expect, it } from 'vitest';
import { assessGoal, attainmentOf, gradeOf } from './attainment.js';

describe('goal attainment (hand-worked)', () => {
  it('seed 004: retention 28% → 35%, actual 34% at the end (rate, higher is better)', () => {
    // 达成率 = 0.34 / 0.35 = 97.14%; over and short → behind; grade = (34 − 28) / (35 − 28) = 6 / 7 = 0.857 → green.
    const a = assessGoal({ direction: 'higher_is_better', cumulative: false, actual: 0.34, target: 0.35, baseline: 0.28, elapsed: 1 });
    expect(a.attainment).toBeCloseTo(0.9714, 4);
    expect(a.status).toBe('behind');
    expect(a.rule.code).toBe('over_missed');
    expect(a.grade).toBeCloseTo(6 / 7, 12);
    expect(a.gradeColor).toBe('green');
    expect(a.timeProgress).toBeNull();
    // cart conversion 38% → 42%, actual 45%: achieved, grade 1.
    const c = assessGoal({ direction: 'higher_is_better', cumulative: false, actual: 0.45, target: 0.42, baseline: 0.38, elapsed: 1 });
    expect([c.status, c.grade]).toEqual(['achieved', 1]);
  });

  it('cumulative GMV, 10 of 31 days: 达成率 vs 时间进度 and run-rate forecast', () => {
    // target 3 100 000; actual 1 200 000 after 10 / 31 days → 达成率 38.71% ≥ 时间进度 32.26%;
    // forecast = 1 200 000 × 31 / 10 = 3 720 000 → 120% → on_track. baseline 2 500 000:
    // grade on forecast = (3 720 000 − 2 500 000) / (600 000) = 2.03 → 1.
    const a = assessGoal({ direction: 'higher_is_better', cumulative: true, actual: 1_200_000, target: 3_100_000, baseline: 2_500_000, elapsed: 10 / 31 });
    expect(a.attainment).toBeCloseTo(0.3871, 4);
    expect(a.timeProgress).toBeCloseTo(0.3226, 4);
    expect(a.forecast).toBeCloseTo(3_720_000, 6);
    expect(a.status).toBe('on_track');
    expect(a.grade).toBe(1);
    // 900 000 after 10 / 31: forecast 2 790 000 → 90% → at_risk; 800 000 → 2 480 000 = 80% → behind.
    expect(assessGoal({ direction: 'higher_is_better', cumulative: true, actual: 900_000, target: 3_100_000, baseline: null, elapsed: 10 / 31 }).status).toBe('at_risk');
    const b = assessGoal({ direction: 'higher_is_better', cumulative: true, actual: 800_000, target: 3_100_000, baseline: null, elapsed: 10 / 31 });
    expect(b.status).toBe('behind');
    expect(b.rule['en-US']).toContain('time elapsed 32.3%');
    // grade without baseline = forecast attainment 0.8 → green.
    expect(b.grade).toBeCloseTo(0.8, 12);
    // already over the target mid-period → achieved.
    expect(assessGoal({ direction: 'higher_is_better', cumulative: true, actual: 3_200_000, target: 3_100_000, baseline: null, elapsed: 0.5 }).status).toBe('achieved');
  });

  it('lower is better: CAC and spend', () => {
    // CAC target 80, actual 100 → 达成率 = 80 / 100 = 80%; running (a rate: current value) → behind (< 90%).
    const a = assessGoal({ direction: 'lower_is_better', cumulative: false, actual: 100, target: 80, baseline: 120, elapsed: 0.5 });
    expect(a.attainment).toBeCloseTo(0.8, 12);
    expect(a.status).toBe('behind');
    // grade = (100 − 120) / (80 − 120) = 0.5 → yellow.
    expect(a.grade).toBeCloseTo(0.5, 12);
    expect(a.gradeColor).toBe('yellow');
    // spend budget 10 000 (cumulative, lower is better): 6 000 after half the period → forecast 12 000 →
    // 达成率 of forecast = 10 000 / 12 000 = 83.3% → behind; spending under budget is never "achieved" early.
    const s = assessGoal({ direction: 'lower_is_better', cumulative: true, actual: 6000, target: 10000, baseline: null, elapsed: 0.5 });
    expect(s.forecast).toBe(12000);
    expect(s.status).toBe('behind');
    expect(assessGoal({ direction: 'lower_is_better', cumulative: true, actual: 4000, target: 10000, baseline: null, elapsed: 0.5 }).status).toBe('on_track');
  });

  it('edge cases', () => {
    expect(attainmentOf('higher_is_better', 5, 0)).toBeNull();
    expect(attainmentOf('lower_is_better', 0, 5)).toBeNull();
    expect(gradeOf('higher_is_better', 10, 20, 30)).toBe(0.5); // baseline above a higher-is-better target: use 达成率
    expect(assessGoal({ direction: 'higher_is_better', cumulative: true, actual: null, target: 1, baseline: null, elapsed: 0.5 }).status).toBeNull();
    expect(assessGoal({ direction: 'higher_is_better', cumulative: true, actual: 0, target: 1, baseline: null, elapsed: 0 }).rule.code).toBe('not_started');
  });
});
