import { ANALYSES } from '../../analyses/registry.js';
import type { TrendsResult } from '../../analyses/trends/index.js';
import { ANY_EVENT } from '../../analyses/shared/source.js';
import { eventVolume } from '../../analyses/shared/event-volume.js';
import { periodRange } from '../../analyses/shared/period.js';
import { EVENTS, PROPS } from '../../core/events.js';
import type { ReportData, TrendData } from '../data.js';
import { type BuildContext, lastDayShown } from './context.js';

const CHARTS: { key: string; title: TrendData['title']; event: string; math: string; mathProperty?: string; format: TrendData['format'] }[] = [
  { key: 'active_persons', title: { 'zh-CN': '活跃用户（每日）', 'en-US': 'Active persons (daily)' }, event: ANY_EVENT, math: 'unique_persons', format: 'integer' },
  { key: 'sign_ups', title: { 'zh-CN': '注册数', 'en-US': 'Sign-ups' }, event: EVENTS.signUp, math: 'total', format: 'integer' },
  { key: 'revenue', title: { 'zh-CN': '支付金额', 'en-US': 'Paid revenue' }, event: EVENTS.orderPaid, math: 'sum', mathProperty: PROPS.revenue, format: 'currency' },
];

/**
 * Trend charts against the previous period: daily buckets (weekly for a quarter), the
 * previous period's buckets aligned by position. While the period runs, its line stops
 * at today (later buckets are null, drawn as nothing, not as a fall to zero); the previous
 * period's line goes on to the end as the reference. Charts whose event the project does
 * not have are left out.
 */
export async function trendsStage(ctx: BuildContext, data: ReportData): Promise<void> {
  const analysis = ANALYSES.trends;
  if (!analysis) return;
  const volume = await eventVolume(ctx.engine, ctx.analysis.projectId, periodRange(ctx.period, ctx.analysis.timeZone), [EVENTS.signUp, EVENTS.orderPaid]);
  const charts = CHARTS.filter((c) => c.event === ANY_EVENT || (volume.get(c.event) ?? 0) > 0);
  if (!charts.length) return;
  const spec = analysis.schema.parse({
    kind: 'trends',
    dateRange: { from: ctx.period.fromDate, to: ctx.period.toDate },
    interval: ctx.period.days > 62 ? 'week' : 'day',
    series: charts.map((c) => ({ event: c.event, math: c.math, ...(c.mathProperty ? { mathProperty: c.mathProperty } : {}), name: c.key })),
    compare: ['previous_period'],
  });
  const r = (await analysis.run(spec, ctx.analysis, ctx.engine)) as TrendsResult;
  const last = lastDayShown(ctx);
  data.trends = charts.map((c, i) => {
    const line = r.series[i]!;
    const prev = line.compare?.previous_period;
    return {
      key: c.key,
      title: c.title,
      format: c.format,
      current: { name: 'current', points: r.buckets.map((b, k) => ({ x: b.label, y: b.label > last ? null : (line.values[k] ?? null) })) },
      previous: { name: 'previous', points: r.buckets.map((b, k) => ({ x: b.label, y: prev?.values[k] ?? null })) },
    };
  });
}
