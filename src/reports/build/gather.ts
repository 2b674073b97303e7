import { flaggedEvents } from '../../analyses/shared/event-volume.js';
import { periodRange } from '../../analyses/shared/period.js';
import type { ReportData } from '../data.js';
import type { ReportPeriod } from '../model.js';
import type { BuildContext } from './context.js';
import { gatherFollowUp } from './follow-up.js';
import { gatherFunnel } from './funnel.js';
import { gatherMetrics } from './metrics.js';
import { gatherNps } from './nps.js';

/**
 * Everything the report needs, read from the engines once, as a pipeline of named
 * stages. The result is language-neutral and is what a published report freezes.
 * Optional stages (goals, findings, channels, retention, experiments) are added by
 * `extraStages`, each filling its own part of the data.
 */
export type Stage = (ctx: BuildContext, data: ReportData) => Promise<void>;

export async function gatherReportData(ctx: BuildContext, extraStages: readonly Stage[] = []): Promise<ReportData> {
  const dataReadAt = ctx.now.toISOString();
  const period: ReportPeriod = {
    label: ctx.period.label,
    kind: ctx.period.kind,
    fromDate: ctx.period.fromDate,
    toDate: ctx.period.toDate,
    previous: { fromDate: ctx.previous.fromDate, toDate: ctx.previous.toDate },
    lastYear: { fromDate: ctx.lastYear.fromDate, toDate: ctx.lastYear.toDate },
  };
  const data: ReportData = {
    version: 1,
    projectId: ctx.analysis.projectId,
    projectName: ctx.projectName,
    timeZone: ctx.analysis.timeZone,
    currency: ctx.analysis.currency,
    period,
    dataReadAt,
    metrics: await gatherMetrics(ctx),
    trends: [],
    goals: [],
    funnel: await gatherFunnel(ctx),
    retention: null,
    channels: [],
    experiments: [],
    nps: null,
    findings: [],
    findingsNote: null,
    followUp: await gatherFollowUp(ctx),
    warnings: [],
  };
  data.nps = await gatherNps(ctx, data);
  for (const stage of extraStages) await stage(ctx, data);
  await dataQuality(ctx, data);
  return data;
}

/** Computed warnings about the data itself. */
async function dataQuality(ctx: BuildContext, data: ReportData): Promise<void> {
  const flagged = await flaggedEvents(ctx.engine, ctx.analysis.projectId, periodRange(ctx.period, ctx.analysis.timeZone));
  if (flagged > 0) {
    data.warnings.push({
      kind: 'data_quality',
      text: {
        'zh-CN': `本期有 ${flagged} 个事件的时间戳超出未来容忍范围，已被截断到接收时间（客户端时钟可能有误）。`,
        'en-US': `${flagged} events this period had timestamps too far in the future and were clamped to the receive time (a client clock may be wrong).`,
      },
    });
  }
  for (const g of data.goals) {
    if (g.status === 'behind' || g.status === 'at_risk') {
      // Named with its period and segment: a quarter lists its months' goals of one metric too.
      const segment = g.dimension ? `, ${g.dimension.property} = ${g.dimension.value}` : '';
      const zh = `${g.metricName['zh-CN']}（${g.period ?? ctx.period.label}${segment}）`;
      const en = `${g.metricName['en-US']} (${g.period ?? ctx.period.label}${segment})`;
      data.warnings.push({
        kind: 'goal_off_track',
        text: { 'zh-CN': `目标「${zh}」${g.status === 'behind' ? '落后' : '有风险'}：${g.statusRule['zh-CN']}`, 'en-US': `Goal "${en}" is ${g.status === 'behind' ? 'behind' : 'at risk'}: ${g.statusRule['en-US']}` },
      });
    }
  }
}
