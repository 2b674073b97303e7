import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev, seedProject } from '../../../test/fixtures/metrics/blueprint.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { createEvaluator, type MetricEvaluator } from '../../analyses/metrics/evaluate.js';
import { loadDictionary, metricsOf } from '../../analyses/metrics/store.js';
import { countedSpan, parsePeriod, previousPeriod, samePeriodLastYear } from '../../analyses/shared/period.js';
import { addGoal } from '../../goals/store.js';
import type { BuildContext } from './context.js';
import { prefetchReportReads } from './reads.js';

/**
 * Which reads the report plans before its stages (reads.ts): metrics whose change is tested
 * (rates, counted totals) and goals' metrics come by dimension with their totals; the
 * others (averages, formulas) only when a stage asks. Project "plan" (UTC), week 2025-W28 and the
 * week before: a few orders and sign-ups on douyin and wechat, so every metric has rows.
 */
const P = 'plan';
const W28 = parsePeriod('2025-W28');
const NOW = new Date('2025-08-20T00:00:00Z');
let s: TestStorage;

function buildContext(): BuildContext {
  const analysis = { projectId: P, timeZone: 'UTC', weekStart: 'monday' as const, currency: 'CNY', now: NOW };
  return {
    engine: s.engine,
    meta: s.meta,
    now: NOW,
    analysis,
    projectName: P,
    period: W28,
    counted: countedSpan(W28, '2025-08-19'),
    previous: previousPeriod(W28),
    lastYear: samePeriodLastYear(W28),
    settings: {},
    metrics: { engine: s.engine, meta: s.meta, now: NOW, evaluators: new Map() },
  };
}

/** How many queries reading `key` by channel runs after the planned reads (0: it was read with them). */
async function queriesFor(e: MetricEvaluator, key: string): Promise<number> {
  const before = e.trace.length;
  await e.values(key, { property: 'channel', type: 'event' });
  await e.total(key);
  return e.trace.length - before;
}

beforeAll(async () => {
  s = await openTestStorage('chdb');
  const events = [];
  for (const [i, day] of ['2025-07-01', '2025-07-02', '2025-07-08', '2025-07-09'].entries()) {
    const channel = i % 2 ? 'wechat' : 'douyin';
    events.push(ev(P, i + 1, 'app_launch', `${day}T08:00:00Z`, { channel }));
    events.push(ev(P, i + 1, 'order_paid', `${day}T09:00:00Z`, { channel, revenue: 10 * (i + 1) }));
  }
  await seedProject(s, P, events);
}, 120_000);
afterAll(async () => s?.close());

describe('the reads a report plans', () => {
  it('reads tested metrics and goal metrics by dimension with their totals, and the others only when asked', async () => {
    const ctx = buildContext();
    await addGoal(s.meta, P, { metric: 'aov', period: W28.label, target: 50 });
    const dictionary = metricsOf(await loadDictionary(s.meta, P));
    await prefetchReportReads(ctx, dictionary, ['new_persons', 'orders', 'paying_conversion', 'aov', 'dau']);
    for (const span of [W28, ctx.previous]) {
      const e = await createEvaluator(ctx.metrics, P, span);
      // Counted totals and rates: their change is tested, so the findings may explain them.
      expect(await queriesFor(e, 'new_persons')).toBe(0);
      expect(await queriesFor(e, 'orders')).toBe(0);
      expect(await queriesFor(e, 'paying_conversion')).toBe(0);
      // A goal names AOV (a formula): read by dimension too, for its gap.
      expect(await queriesFor(e, 'aov')).toBe(0);
      // DAU, an average of daily counts no goal names: read when asked.
      expect(await queriesFor(e, 'dau')).toBeGreaterThan(0);
    }
    // And the numbers are those of an evaluator that planned nothing.
    const planned = await createEvaluator(ctx.metrics, P, W28);
    const alone = await createEvaluator({ engine: s.engine, meta: s.meta, now: NOW }, P, W28);
    for (const key of ['new_persons', 'orders', 'paying_conversion', 'aov']) {
      const channel = { property: 'channel', type: 'event' as const };
      expect([key, [...(await planned.values(key, channel))]]).toEqual([key, [...(await alone.values(key, channel))]]);
      expect([key, await planned.total(key)]).toEqual([key, await alone.total(key)]);
    }
  });
});
