import { evaluateMetric } from '../analyses/metrics/api.js';
import { upsertMetric } from '../analyses/metrics/store.js';
import { isoWeekLabel, parsePeriod, previousPeriod } from '../analyses/shared/period.js';
import { addDays } from '../analyses/shared/time-zone.js';
import { EVENTS } from '../core/events.js';
import { addGoal, listGoals, deleteGoal } from '../goals/store.js';
import type { ReportSettings } from '../reports/build/context.js';
import type { DemoStep } from './demo.js';
import { addReportItem, publishReport } from './reports.js';

const t = (zh: string, en: string) => ({ 'zh-CN': zh, 'en-US': en });

/** The demo team's own metrics: the two rates of seed 000's weekly report. */
const DEMO_METRICS = [
  {
    key: 'signup_conversion',
    name: t('注册转化率（广告点击 → 注册）', 'Sign-up conversion (ad click → sign-up)'),
    description: t('点击广告后 1 天内注册的人数 ÷ 点击广告的人数', 'Persons signing up within 1 day of an ad click / persons clicking an ad'),
    definition: { kind: 'funnel', steps: [{ event: EVENTS.adClick, filters: [] }, { event: EVENTS.signUp, filters: [] }], window: { value: 1, unit: 'day' } },
    unit: '%',
    format: 'percent',
    isRate: true,
    direction: 'higher_is_better',
    countingUnit: 'persons',
    owner: '增长组',
  },
  {
    key: 'call_rate',
    name: t('呼叫比例（主播墙 → 机器人呼叫）', 'Call rate (anchor wall → robot call)'),
    description: t('看过主播墙后 1 小时内发起机器人呼叫的人数 ÷ 看过主播墙的人数', 'Persons placing a robot call within 1 hour of viewing the anchor wall / persons viewing it'),
    definition: { kind: 'funnel', steps: [{ event: 'anchor_wall_view', filters: [] }, { event: 'robot_call', filters: [] }], window: { value: 1, unit: 'hour' } },
    unit: '%',
    format: 'percent',
    isRate: true,
    direction: 'higher_is_better',
    countingUnit: 'persons',
    owner: '产品组',
  },
];

/** What the demo's reports show (projects.settings.report). */
export const DEMO_REPORT_SETTINGS: ReportSettings = {
  metrics: ['new_persons', 'active_persons', 'signup_conversion', 'gmv', 'call_rate', 'paying_conversion', 'orders', 'aov', 'spend', 'roas', 'cac', 'nps'],
  funnel: { steps: [EVENTS.adClick, EVENTS.signUp, 'anchor_wall_view', 'robot_call', EVENTS.orderPaid], windowDays: 7, title: '广告点击 → 注册 → 主播墙 → 机器人呼叫 → 付费' },
  anomalyMetrics: ['call_rate', 'signup_conversion', 'orders'],
};

/**
 * Demo step: the team's metrics, report settings and goals, and two published reports
 * (last month's and the week before last) with reflections, lessons, actions and risks —
 * so the latest weekly and monthly drafts show goals, findings and the follow-up of those
 * actions. Replaces what an earlier demo run created.
 */
export const demoReportsStep: DemoStep = {
  name: 'goals-and-reports',
  async run({ ctx, project, facts }) {
    for (const m of DEMO_METRICS) await upsertMetric(ctx.meta, project.id, m);
    await ctx.meta.query(`UPDATE projects SET settings = jsonb_set(settings, '{report}', $2::jsonb) WHERE id = $1`, [project.id, JSON.stringify(DEMO_REPORT_SETTINGS)]);
    await ctx.meta.query(`DELETE FROM reports WHERE project_id = $1`, [project.id]);
    for (const g of await listGoals(ctx.meta, project.id)) await deleteGoal(ctx.meta, project.id, g.id);

    const lastWeek = isoWeekLabel(facts.lastWeek.from);
    const weekBefore = isoWeekLabel(addDays(facts.lastWeek.from, -7));
    const thisWeek = isoWeekLabel(facts.today);
    const thisMonth = facts.today.slice(0, 7);
    const lastMonth = previousPeriod(parsePeriod(thisMonth)).label;
    const quarter = `${facts.today.slice(0, 4)}-Q${Math.floor((Number(facts.today.slice(5, 7)) - 1) / 3) + 1}`;
    const now = new Date();
    const gmvLastMonth = (await evaluateMetric({ ...ctx, now }, project.id, 'gmv', parsePeriod(lastMonth))).value ?? 0;

    // Goals in the team's words (seed 000: 首启业务数据 60%, 呼叫比例 90%; seed 004: NPS 40 → 45).
    const goals = [
      { metric: 'signup_conversion', period: lastWeek, target: 0.6, owner: '增长组', title: '注册转化率提升到 60%' },
      { metric: 'call_rate', period: lastWeek, target: 0.9, owner: '产品组', title: '呼叫比例提升到 90%' },
      { metric: 'signup_conversion', period: thisWeek, target: 0.6, owner: '增长组', title: '注册转化率提升到 60%' },
      { metric: 'gmv', period: thisMonth, target: Math.round(gmvLastMonth * 1.1), owner: '电商组', title: 'GMV 环比增长 10%' },
      { metric: 'gmv', period: lastMonth, target: Math.round(gmvLastMonth * 1.05), owner: '电商组', title: 'GMV 达成月度目标' },
      { metric: 'nps', period: quarter, target: 45, baseline: 40, owner: '用户研究', title: 'NPS 从 40 提升到 45' },
    ];
    for (const g of goals) await addGoal(ctx.meta, project.id, g);

    for (const label of [lastMonth, weekBefore]) {
      const add = (kind: 'reflection' | 'lesson' | 'action' | 'risk', data: unknown) => addReportItem(ctx, project.id, label, kind, data);
      await add('reflection', { category: '产品', problem: '首启加载慢，新用户在主播墙前流失', reflection: '首屏资源过大，低端机型加载超过 5 秒', improvement: '拆分首屏包并预加载主播墙' });
      await add('reflection', { category: '投放', problem: 'kuaishou 渠道 ROI 低于 1', reflection: '素材点击多但付费少，人群不匹配', improvement: '收缩 kuaishou 预算，设置止损线' });
      await add('lesson', { kind: 'keep', text: '双周发版火车让问题修复可预期' });
      await add('lesson', { kind: 'change', text: '新版本先灰度 10%，观察呼叫比例后再全量' });
      await add('action', { action: '注册转化率提升到 60%', owner: '增长组', deadline: facts.lastWeek.to, metricKey: 'signup_conversion', target: 0.6, ice: { impact: 8, confidence: 6, ease: 7, method: 'average' } });
      await add('action', { action: '呼叫比例提升到 90%', owner: '产品组', deadline: facts.lastWeek.to, metricKey: 'call_rate', target: 0.9, ice: { impact: 9, confidence: 5, ease: 4, method: 'average' } });
      await add('risk', { text: '渠道预算下月可能削减 20%', owner: '增长组' });
      await publishReport(ctx, project.id, label, { now });
    }
  },
};
