import type { Lang } from '../core/lang.js';
import type { ReportData } from './data.js';
import { iceScore } from './items.js';
import type { ReportItem } from './store.js';
import type { ActionItem, GoalStatus, Lesson, MetricResult, ReflectionCard, Report } from './model.js';
import { change } from '../analyses/shared/comparison.js';

/**
 * Composes the report in one language from gathered (or frozen) data and the team's
 * written items. Pure: no queries, so a published snapshot renders the same numbers
 * forever, in either language.
 */
export function composeReport(data: ReportData, items: readonly ReportItem[], lang: Lang, status: Report['status'], publishedAt?: string): Report {
  const t = (b: { 'zh-CN': string; 'en-US': string }) => b[lang];
  const metrics: MetricResult[] = data.metrics.map((m) => ({
    key: m.key,
    name: t(m.name),
    value: m.value,
    format: m.format,
    isRate: m.isRate,
    direction: m.direction,
    previousPeriod: change(m.value, m.previous, m.isRate),
    previousYear: change(m.value, m.lastYear, m.isRate),
    significant: m.significant,
  }));
  const goalCounts: Record<GoalStatus, number> = { achieved: 0, on_track: 0, at_risk: 0, behind: 0, no_data: 0 };
  for (const g of data.goals) goalCounts[g.status]++;
  const findings = data.findings.map((f) => ({
    kind: f.kind,
    metricKey: f.metricKey,
    sentence: t(f.sentence),
    numbers: f.numbers,
    basis: t(f.basis),
    method: t(f.method),
    reproduce: f.reproduce,
  }));
  const of = <K extends ReportItem['kind']>(kind: K) => items.filter((i) => i.kind === kind);
  return {
    version: 1,
    projectId: data.projectId,
    projectName: data.projectName,
    timeZone: data.timeZone,
    currency: data.currency,
    lang,
    period: data.period,
    status,
    dataReadAt: data.dataReadAt,
    publishedAt,
    summary: { headline: metrics.filter((_, i) => data.metrics[i]!.headline), goalCounts, topFindings: findings.slice(0, 3) },
    goals: data.goals.map((g) => ({ ...g, metricName: t(g.metricName), statusRule: t(g.statusRule) })),
    results: {
      metrics,
      trends: data.trends.map((tr) => ({ ...tr, title: t(tr.title) })),
      funnel: data.funnel ? { ...data.funnel, title: t(data.funnel.title) } : null,
      retention: data.retention ? { ...data.retention, title: t(data.retention.title) } : null,
      channels: data.channels,
      experiments: data.experiments.map((e) => ({ ...e, decision: t(e.decision) })),
      nps: data.nps,
    },
    causes: {
      findings,
      nothingSignificant: findings.length === 0,
      reflections: of('reflection').map((i) => ({ id: i.id, ...(i.data as Omit<ReflectionCard, 'id'>) })),
    },
    lessons: of('lesson').map((i) => ({ id: i.id, ...(i.data as Omit<Lesson, 'id'>) })),
    actions: of('action').map((i) => {
      const d = i.data as Omit<ActionItem, 'id' | 'ice'> & { ice: { impact: number; confidence: number; ease: number; method: 'average' | 'product' } | null };
      return { id: i.id, ...d, ice: d.ice ? iceScore(d.ice) : null };
    }),
    followUp: data.followUp.map((f) => ({ ...f, metricName: f.metricName ? t(f.metricName) : null, evidence: t(f.evidence) })),
    risks: {
      written: of('risk').map((i) => ({ id: i.id, text: String(i.data.text), owner: (i.data.owner as string | null) ?? null })),
      computed: data.warnings.map((w) => ({ kind: w.kind, text: t(w.text) })),
    },
    appendix: data.metrics.map((m) => ({
      key: m.key,
      name: t(m.name),
      formula: t(m.formula),
      unit: m.unit,
      direction: m.direction,
      timeZone: data.timeZone,
      countingUnit: m.countingUnit,
    })),
  };
}
