import { ANALYSES } from '../../analyses/registry.js';
import type { RetentionResult } from '../../analyses/retention/shape.js';
import { eventVolume } from '../../analyses/shared/event-volume.js';
import { periodRange } from '../../analyses/shared/period.js';
import { addDays } from '../../analyses/shared/time-zone.js';
import { EVENTS } from '../../core/events.js';
import type { ReportData } from '../data.js';
import { type BuildContext, lastDayShown } from './context.js';

/**
 * A retention cohort table ending with the period, or today while it runs (cohorts that
 * have not started yet would be empty rows): daily cohorts for a week (7 cohorts,
 * 7 intervals), weekly cohorts otherwise (8 cohorts, 8 intervals). Start event: sign-up
 * (or the configured one); return event: the configured one, else the app's launch or
 * page view, whichever the project has.
 */
export async function retentionStage(ctx: BuildContext, data: ReportData): Promise<void> {
  const analysis = ANALYSES.retention;
  if (!analysis) return;
  const daily = ctx.period.kind === 'week' || ctx.period.days <= 14;
  const span = daily ? 7 : 8;
  const end = lastDayShown(ctx);
  const from = addDays(end, -(daily ? span - 1 : span * 7 - 1));
  let chosen = ctx.settings.retention;
  if (!chosen) {
    const candidates = [EVENTS.signUp, EVENTS.appLaunch, EVENTS.pageview, EVENTS.orderPaid];
    const volume = await eventVolume(ctx.engine, ctx.analysis.projectId, periodRange(ctx.period, ctx.analysis.timeZone), candidates);
    const start = (volume.get(EVENTS.signUp) ?? 0) > 0 ? EVENTS.signUp : undefined;
    const ret = [EVENTS.appLaunch, EVENTS.pageview, EVENTS.orderPaid].find((e) => (volume.get(e) ?? 0) > 0);
    if (!start || !ret) return;
    chosen = { startEvent: start, returnEvent: ret };
  }
  const spec = analysis.schema.parse({
    kind: 'retention',
    dateRange: { from, to: end },
    startEvent: { event: chosen.startEvent },
    returnEvent: { event: chosen.returnEvent },
    period: daily ? 'day' : 'week',
    intervals: span,
    type: 'first_time',
    mode: 'classic',
  });
  const r = (await analysis.run(spec, ctx.analysis, ctx.engine)) as RetentionResult;
  data.retention = {
    title: {
      'zh-CN': `${chosen.startEvent} 后回访 ${chosen.returnEvent}（${daily ? '按天' : '按周'}同期群）`,
      'en-US': `${chosen.returnEvent} after ${chosen.startEvent} (${daily ? 'daily' : 'weekly'} cohorts)`,
    },
    period: daily ? 'day' : 'week',
    cohorts: r.cohorts.map((c) => ({ start: c.start, size: c.size, values: c.values })),
    average: r.average,
  };
}
