import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev, seedProject } from '../../test/fixtures/metrics/blueprint.js';
import { openTestStorage, type TestStorage } from '../../test/helpers/storage.js';
import { goalsStatus } from './status.js';
import { addGoal, deleteGoal, listGoals, updateGoal } from './store.js';

/**
 * Blueprint: orders on 07-07, 07-08, 07-09 (one each); none in W27; 07-10 onwards nothing.
 * Goal A: orders in 2025-W28, target 4, baseline = previous week (W27) = 0.
 *   now = 2025-07-10 00:00 UTC → counted 07-07..07-09, 时间进度 = 3 / 7, actual 3,
 *   达成率 = 3 / 4 = 75% ≥ 42.9% → forecast 3 × 7 / 3 = 7 → on_track; grade (7 − 0) / (4 − 0) → 1.
 * Goal B: d1_retention in W28, target 0.6, baseline 0.4, evaluated 2025-08-20 (over):
 *   cohorts p1 (07-07 ✗), p2 (07-07 ✓ back 07-08), p3 (07-08 ✓ 07-09), p4 (07-10 ✗) → 2 / 4;
 *   达成率 = 0.5 / 0.6 = 83.3% → behind (over, missed); grade (0.5 − 0.4) / (0.6 − 0.4) = 0.5 → yellow.
 */
const P = 'goals';
let s: TestStorage;

beforeAll(async () => {
  s = await openTestStorage('chdb');
  await seedProject(s, P, [
    ev(P, 1, 'order_paid', '2025-07-07T11:00:00Z', { revenue: 100 }),
    ev(P, 2, 'app_launch', '2025-07-07T08:00:00Z'),
    ev(P, 2, 'order_paid', '2025-07-08T09:00:00Z', { revenue: 200 }),
    ev(P, 3, 'app_launch', '2025-07-08T12:00:00Z'),
    ev(P, 3, 'order_paid', '2025-07-09T12:00:00Z', { revenue: 50 }),
    ev(P, 4, 'app_launch', '2025-07-10T12:00:00Z'),
  ]);
});
afterAll(async () => s?.close());

describe('goals', () => {
  it('stores goals and rejects unknown metrics and periods', async () => {
    await expect(addGoal(s.meta, P, { metric: 'nope', period: '2025-W28', target: 1 })).rejects.toThrow(/unknown metric/);
    await expect(addGoal(s.meta, P, { metric: 'orders', period: '2025-W54', target: 1 })).rejects.toThrow(/period/i);
    const g = await addGoal(s.meta, P, { metric: 'orders', period: '2025-W28', target: 3, owner: 'ops' });
    expect(g).toMatchObject({ fromDate: '2025-07-07', toDate: '2025-07-13', baseline: null, owner: 'ops' });
    expect((await updateGoal(s.meta, P, g.id, { target: 4 })).target).toBe(4);
    await addGoal(s.meta, P, { metric: 'd1_retention', period: '2025-W28', target: 0.6, baseline: 0.4 });
    const tmp = await addGoal(s.meta, P, { metric: 'orders', period: '2025-08', target: 1 });
    await deleteGoal(s.meta, P, tmp.id);
    expect(await listGoals(s.meta, P, { period: '2025-07' })).toHaveLength(2);
  });

  it('computes attainment, 时间进度, forecast and status mid-period', async () => {
    const all = await goalsStatus({ engine: s.engine, meta: s.meta, now: new Date('2025-07-10T00:00:00Z') }, P, { period: '2025-W28' });
    const orders = all.find((x) => x.goal.metric === 'orders');
    expect(orders!.actual.value).toBe(3);
    expect(orders!.baseline).toMatchObject({ value: 0, source: 'previous_period' });
    expect(orders!.baseline.period?.label).toBe('2025-W27');
    expect(orders!.assessment).toMatchObject({ attainment: 0.75, forecast: 7, status: 'on_track', grade: 1, forecastMethod: 'run_rate' });
    expect(orders!.assessment.timeProgress).toBeCloseTo(3 / 7, 12);
  });

  it('grades a rate goal once the period is over', async () => {
    const all = await goalsStatus({ engine: s.engine, meta: s.meta, now: new Date('2025-08-20T00:00:00Z') }, P);
    const ret = all.find((x) => x.goal.metric === 'd1_retention')!;
    expect(ret.actual.value).toBe(0.5);
    expect(ret.assessment).toMatchObject({ status: 'behind', gradeColor: 'yellow', timeProgress: null, forecastMethod: 'current_value' });
    expect(ret.assessment.rule.code).toBe('over_missed');
    expect(ret.assessment.grade).toBeCloseTo(0.5, 12);
    expect(ret.assessment.attainment).toBeCloseTo(0.5 / 0.6, 12);
  });
});
