import { ANALYSES } from '../../analyses/registry.js';
import type { FunnelResult } from '../../analyses/funnel/shape.js';
import { eventVolume } from '../../analyses/shared/event-volume.js';
import { periodRange } from '../../analyses/shared/period.js';
import { EVENTS } from '../../core/events.js';
import type { ReportData } from '../data.js';
import type { BuildContext } from './context.js';

/** Candidate main funnels, in order of preference, when the project configured none. */
const DEFAULT_FUNNELS: { steps: string[]; title: { 'zh-CN': string; 'en-US': string } }[] = [
  {
    steps: [EVENTS.adClick, EVENTS.signUp, 'anchor_wall_view', 'robot_call', EVENTS.orderPaid],
    title: { 'zh-CN': '广告点击 → 注册 → 主播墙 → 机器人呼叫 → 付费', 'en-US': 'Ad click → sign-up → anchor wall → robot call → pay' },
  },
  {
    steps: [EVENTS.productView, EVENTS.addToCart, EVENTS.checkoutStarted, EVENTS.orderPaid],
    title: { 'zh-CN': '浏览 → 加购 → 结算 → 支付', 'en-US': 'View → cart → checkout → pay' },
  },
  { steps: [EVENTS.signUp, EVENTS.orderPaid], title: { 'zh-CN': '注册 → 付费', 'en-US': 'Sign-up → pay' } },
];

/**
 * The main funnel with its step conversion and its biggest drop, for this period and the
 * previous one. The configured funnel wins; otherwise the first default whose steps all
 * occur in the period (steps without events are dropped from the candidate).
 */
export async function gatherFunnel(ctx: BuildContext): Promise<ReportData['funnel']> {
  const analysis = ANALYSES.funnel;
  if (!analysis) return null;
  const chosen = ctx.settings.funnel
    ? { steps: ctx.settings.funnel.steps, title: { 'zh-CN': ctx.settings.funnel.title ?? ctx.settings.funnel.steps.join(' → '), 'en-US': ctx.settings.funnel.title ?? ctx.settings.funnel.steps.join(' → ') } }
    : await pickDefault(ctx);
  if (!chosen || chosen.steps.length < 2) return null;
  const spec = (dateRange: { from: string; to: string }) => ({
    kind: 'funnel',
    dateRange,
    steps: chosen.steps.map((event) => ({ event, filters: [] })),
    order: 'ordered',
    window: { value: ctx.settings.funnel?.windowDays ?? 7, unit: 'day' },
  });
  const run = async (from: string, to: string) =>
    (await analysis.run(analysis.schema.parse(spec({ from, to })), ctx.analysis, ctx.engine)) as FunnelResult;
  const current = await run(ctx.period.fromDate, ctx.period.toDate);
  const previous = await run(ctx.previous.fromDate, ctx.previous.toDate);
  const steps = current.steps.map((s) => ({
    event: s.event,
    label: s.event,
    count: s.count,
    conversionFromPrevious: s.conversionFromPrevious,
    conversionFromFirst: s.conversionFromFirst,
    dropOff: s.dropOffRate,
  }));
  let biggestDropStep: number | null = null;
  steps.forEach((s, i) => {
    if (i > 0 && s.dropOff !== null && (biggestDropStep === null || s.dropOff > (steps[biggestDropStep]!.dropOff ?? -1))) biggestDropStep = i;
  });
  const overall = (r: FunnelResult) => r.steps.at(-1)?.conversionFromFirst ?? null;
  return { title: chosen.title, steps, biggestDropStep, overall: overall(current), previousOverall: overall(previous) };
}

async function pickDefault(ctx: BuildContext) {
  const all = [...new Set(DEFAULT_FUNNELS.flatMap((f) => f.steps))];
  const volume = await eventVolume(ctx.engine, ctx.analysis.projectId, periodRange(ctx.period, ctx.analysis.timeZone), all);
  for (const f of DEFAULT_FUNNELS) {
    const present = f.steps.filter((e) => (volume.get(e) ?? 0) > 0);
    if (present.length < 2 || present[0] !== f.steps[0]) continue;
    const title = present.length === f.steps.length ? f.title : { 'zh-CN': present.join(' → '), 'en-US': present.join(' → ') };
    return { steps: present, title };
  }
  return undefined;
}
