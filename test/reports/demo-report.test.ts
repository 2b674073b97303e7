import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { runDemo, type DemoSummary } from '../../src/app/demo.js';
import { addReportItem, getReport, renderReport } from '../../src/app/reports.js';
import { isoWeekLabel } from '../../src/analyses/shared/period.js';
import { addDays } from '../../src/analyses/shared/time-zone.js';
import { loadConfig } from '../../src/config/load.js';
import type { Report } from '../../src/reports/model.js';
import { openTestStorage, type TestStorage } from '../helpers/storage.js';

/**
 * The report on the demo's story (src/demo/story.ts), at the demo's default size. The
 * latest complete week must show:
 * - the planted SHIFT: xiaohongshu's ad_click → sign_up conversion drops from ≈ 60 % to
 *   ≈ 36 % from that week's Monday — found as a segment shift of signup_conversion;
 * - the planted ANOMALY: on that week's Wednesday app version 2.20.0 breaks robot_call —
 *   found as an anomaly of call_rate for the whole project that day, and the same-day
 *   outlier test names the version;
 * - nothing about the stable metrics (new persons, active persons, orders);
 * - goals, and the follow-up of the actions of the week before (published by the demo).
 */
const NOW = new Date('2025-07-16T04:00:00Z'); // a Wednesday; the last complete week is 2025-W28

describe('the 复盘 report on the demo', () => {
  let s: TestStorage;
  let ctx: AppContext;
  let demo: DemoSummary;
  let weekly: Report;

  beforeAll(async () => {
    s = await openTestStorage();
    ctx = { config: loadConfig({ env: {} }), engine: s.engine, meta: s.meta };
    demo = await runDemo(ctx, { events: 1_500_000, now: NOW });
    weekly = (await getReport(ctx, 'demo', isoWeekLabel(demo.facts.lastWeek.from), 'zh-CN', { now: NOW })).report;
  }, 900_000);
  afterAll(async () => s?.close());

  it('finds the planted channel shift', () => {
    const shift = weekly.causes.findings.find((f) => f.kind === 'segment_shift' && f.metricKey === 'signup_conversion' && f.numbers.segment === demo.facts.shift.channel);
    expect(shift, JSON.stringify(weekly.causes.findings.map((f) => f.sentence))).toBeDefined();
    expect(Number(shift!.numbers.r1)).toBeLessThan(Number(shift!.numbers.r0) - 0.1);
    expect(shift!.sentence).toContain('xiaohongshu');
  });

  it('finds the planted anomaly and names the version', () => {
    const day = demo.facts.anomaly.date;
    const anomaly = weekly.causes.findings.find((f) => f.kind === 'anomaly' && f.metricKey === 'call_rate' && f.numbers.dimension === undefined);
    expect(anomaly?.sentence).toContain(day);
    const outlier = weekly.causes.findings.find((f) => f.kind === 'segment_outlier' && f.metricKey === 'call_rate');
    expect(outlier?.numbers).toMatchObject({ dimension: 'app_version', segment: demo.facts.anomaly.appVersion });
    expect(outlier!.sentence).toContain(day);
  });

  it('says nothing about the stable metrics', () => {
    // Stable across weeks: no period-over-period finding may name them. (Orders do dip on
    // the anomaly day itself — broken calls mean fewer payments — so an anomaly on that
    // day, and its explanation, are true and allowed.)
    const stable = ['new_persons', 'active_persons', 'orders'];
    const day = demo.facts.anomaly.date;
    const wrong = weekly.causes.findings.filter((f) => stable.includes(f.metricKey) && !String(JSON.stringify(f.reproduce)).includes(day) && !f.sentence.includes(day));
    expect(wrong.map((f) => f.sentence)).toEqual([]);
    for (const key of stable) expect(weekly.results.metrics.find((m) => m.key === key)?.significant).not.toBe(true);
  });

  it('shows goals, the funnel with its biggest drop, channels, NPS and the follow-up of last week', () => {
    expect(weekly.goals.map((g) => g.metricKey)).toEqual(expect.arrayContaining(['signup_conversion', 'call_rate']));
    expect(weekly.results.funnel?.steps).toHaveLength(5);
    expect(weekly.results.funnel?.biggestDropStep).not.toBeNull();
    expect(weekly.results.channels.find((c) => c.channel === demo.facts.lowRoasChannel)).toBeDefined();
    expect(weekly.results.nps?.n).toBeGreaterThan(0);
    expect(weekly.followUp.map((f) => f.metricKey).sort()).toEqual(['call_rate', 'signup_conversion']);
    expect(weekly.followUp.every((f) => f.before !== null && f.after !== null && f.significant !== null)).toBe(true);
  });

  it('reports the experiment that concluded in the week, with its lift and decision', async () => {
    // one_click_match ends on the Sunday before NOW's week (07-13, the last day of W28):
    // treatment raises robot_call by ≈ +5.5 pp of persons from ≈ 53 % (src/demo/story.ts).
    expect(demo.facts.experiment.end).toBe('2025-07-13');
    const rows = weekly.results.experiments.filter((e) => e.key === demo.facts.experiment.key);
    expect(rows.length).toBeGreaterThan(0);
    const goal = rows[0]!;
    expect(goal.variant).toBe('treatment');
    expect(goal.lift).toBeGreaterThan(0);
    expect(goal.pValue).toBeLessThan(0.05);
    expect(goal.ci[0]).toBeGreaterThan(0);
    expect(goal.srmWarning).toBe(false);
    expect(goal.decision).toMatch(/^上线 treatment/);
    const { body } = await renderReport(ctx, weekly, 'md');
    expect(body).toContain('### 本期结束的实验');
    expect(body).toContain('| 实验 | 指标 | 实验组 |');
    expect(body).toContain('| one\\_click\\_match |');
  });

  it('drafts the month with its goals and the follow-up of last month', async () => {
    const month = (await getReport(ctx, 'demo', demo.today.slice(0, 7), 'en-US', { now: NOW })).report;
    expect(month.goals.map((g) => g.metricKey)).toContain('gmv');
    // The month is running (NOW is 07-16: 07-01 … 07-15 counted), so 环比 and 同比 compare
    // the same 15 days of June and of July last year, not whole months: a stable count
    // (new persons, ~15 days' worth against ~15 days') shows no significant change.
    expect(month.period.previous).toEqual({ fromDate: '2025-06-01', toDate: '2025-06-15' });
    expect(month.period.lastYear).toEqual({ fromDate: '2024-07-01', toDate: '2024-07-15' });
    const newPersons = month.results.metrics.find((m) => m.key === 'new_persons')!;
    expect(Math.abs(newPersons.previousPeriod.relative ?? 1)).toBeLessThan(0.25);
    expect(newPersons.significant).not.toBe(true);
    expect(month.followUp).toHaveLength(2);
    // Today is 07-16 (12:00 in Asia/Shanghai): the month's daily trend lines stop there
    // (later days are null, not zeros), the previous month's line goes on to its end, and
    // the weekly cohorts end with the week of today (Monday 07-14), none in the future.
    for (const t of month.results.trends) {
      const after = t.current.points.filter((p) => p.x > '2025-07-16');
      expect(after).toHaveLength(15);
      expect(after.every((p) => p.y === null)).toBe(true);
      expect(t.current.points.filter((p) => p.x <= '2025-07-16').every((p) => typeof p.y === 'number')).toBe(true);
      // June has 30 days: its line, aligned by position, covers July's first 30.
      expect(t.previous.points.slice(0, 30).every((p) => typeof p.y === 'number')).toBe(true);
    }
    expect(month.results.trends.length).toBeGreaterThan(0);
    expect(month.results.retention?.cohorts.map((c) => c.start).at(-1)).toBe('2025-07-14');
    const { body } = await renderReport(ctx, month, 'md');
    expect(body).toContain('## Follow-up');
  }, 300_000);

  it('keeps the earlier published report frozen', async () => {
    const label = isoWeekLabel(addDays(demo.facts.lastWeek.from, -7));
    const published = await getReport(ctx, 'demo', label, 'en-US', { now: NOW });
    expect(published.report.status).toBe('published');
    expect(published.report.actions).toHaveLength(2);
    await expect(addReportItem(ctx, 'demo', label, 'lesson', { text: 'too late' })).rejects.toMatchObject({ code: 'report_published' });
  });
});
