import { runExperiment } from '../../analyses/experiment/run.js';
import { listExperiments } from '../../analyses/experiment/store.js';
import { localDate } from '../../analyses/shared/time-zone.js';
import type { ReportData } from '../data.js';
import type { BuildContext } from './context.js';

/**
 * Experiments that concluded in the period: their end date lies in it and has passed
 * (today or earlier while the period runs), drafts excluded. One row per goal metric and
 * tested variant: lift, interval and p-value (multiplicity-adjusted when the definition
 * asks for it, as the decision reads them) or chance to win, and the variant's decision
 * with its reason; SRM flagged on every row of the experiment. Guardrails stay on the
 * experiment's own page: the decision already says when one got worse.
 */
export async function experimentsStage(ctx: BuildContext, data: ReportData): Promise<void> {
  // An experiment ending today has not concluded yet (its window closes at midnight).
  const today = localDate(ctx.now, ctx.analysis.timeZone);
  const concluded = (await listExperiments(ctx.meta, ctx.analysis.projectId))
    .map((e) => e.definition)
    .filter((d) => d.status !== 'draft' && d.end !== null && d.end >= ctx.period.fromDate && d.end <= ctx.period.toDate && d.end < today)
    .sort((a, b) => a.end!.localeCompare(b.end!) || a.key.localeCompare(b.key));
  for (const def of concluded) {
    const r = await runExperiment(def, ctx.analysis, ctx.engine);
    const tested = def.variants.slice(1).map((v) => v.key);
    for (const m of r.metrics.filter((x) => x.role === 'goal')) {
      for (const v of m.variants) {
        const i = tested.indexOf(v.variant);
        if (i < 0) continue;
        const decision = r.decisions[i] ?? r.decision;
        data.experiments.push({
          key: def.key,
          metric: m.name,
          variant: v.variant,
          lift: v.lift,
          ci: v.adjusted?.ci ?? v.ci,
          pValue: v.adjusted?.pValue ?? v.pValue,
          chanceToWin: v.chanceToWin,
          decision: { 'zh-CN': decision.reason['zh-CN'], 'en-US': decision.reason['en-US'] },
          srmWarning: r.srm.warning,
        });
      }
    }
  }
}
