import { ANALYSES } from '../../analyses/registry.js';
import type { NpsResult } from '../../analyses/nps/shape.js';
import type { ReportData } from '../data.js';
import type { BuildContext } from './context.js';

/** NPS of the period with its interval and themes, when the project collects surveys. */
export async function gatherNps(ctx: BuildContext, _data: ReportData): Promise<ReportData['nps']> {
  const analysis = ANALYSES.nps;
  if (!analysis) return null;
  const spec = analysis.schema.parse({ kind: 'nps', dateRange: { from: ctx.period.fromDate, to: ctx.period.toDate } });
  const r = (await analysis.run(spec, ctx.analysis, ctx.engine)) as NpsResult;
  if (!r.n || r.nps === null || !r.ci) return null;
  return {
    survey: 'nps',
    n: r.n,
    nps: r.nps,
    ci: r.ci,
    promoters: r.promoters / r.n,
    passives: r.passives / r.n,
    detractors: r.detractors / r.n,
    themes: r.themes,
  };
}
