import type { Lang } from '../../core/lang.js';
import { formatChange, formatValue } from '../format.js';
import { label, statusLabel } from '../labels.js';
import type { Report } from '../model.js';
import { funnelChartSvg, trendChartSvg } from './charts.js';

/**
 * The report as a list of neutral blocks, serialised by markdown.ts and html.ts. Blocks
 * hold plain text only (serialisers escape all of it) and chart SVG made by our renderer.
 */
export type Block =
  | { type: 'heading'; level: 1 | 2 | 3; text: string }
  | { type: 'paragraph'; text: string; muted?: boolean }
  | { type: 'list'; items: string[] }
  | { type: 'table'; headers: string[]; rows: string[][] }
  | { type: 'chart'; name: string; svg: string; alt: string }
  | { type: 'code'; text: string };

export function reportBlocks(r: Report): Block[] {
  const L = r.lang;
  const fv = (v: number | null | undefined, f: Parameters<typeof formatValue>[1]) => formatValue(v, f, L, r.currency);
  const blocks: Block[] = [];
  const h2 = (key: Parameters<typeof label>[1]) => blocks.push({ type: 'heading', level: 2, text: label(L, key) });

  blocks.push({ type: 'heading', level: 1, text: `${r.projectName} · ${label(L, 'title')} · ${r.period.label}` });
  blocks.push({
    type: 'paragraph',
    muted: true,
    text: `${label(L, 'period')}: ${r.period.fromDate} – ${r.period.toDate} (${r.timeZone}) · ${label(L, r.status)} · ${label(L, 'dataReadAt')}: ${r.dataReadAt}`,
  });
  // The comparison bases: while a period runs they are its counted days' length (like for like).
  blocks.push({
    type: 'paragraph',
    muted: true,
    text: `${label(L, 'previousPeriod')}: ${r.period.previous.fromDate} – ${r.period.previous.toDate} · ${label(L, 'previousYear')}: ${r.period.lastYear.fromDate} – ${r.period.lastYear.toDate}`,
  });

  h2('summary');
  blocks.push({ type: 'paragraph', text: label(L, 'goalCounts', r.summary.goalCounts) });
  if (r.summary.headline.length) {
    blocks.push({
      type: 'table',
      headers: [label(L, 'metric'), label(L, 'value'), label(L, 'previousPeriod'), label(L, 'previousYear')],
      rows: r.summary.headline.map((m) => [m.name, fv(m.value, m.format), formatChange(m.previousPeriod, m.isRate, L, m.format), formatChange(m.previousYear, m.isRate, L, m.format)]),
    });
  }
  if (r.summary.topFindings.length) blocks.push({ type: 'list', items: r.summary.topFindings.map((f) => f.sentence) });

  h2('goals');
  if (!r.goals.length) blocks.push({ type: 'paragraph', text: label(L, 'noGoals') });
  else
    blocks.push({
      type: 'table',
      headers: ['goal', 'period', 'baseline', 'target', 'actual', 'attainment', 'timeProgress', 'forecast', 'status', 'grade', 'owner', 'rule'].map((k) =>
        label(L, (k === 'goal' ? 'metric' : k) as Parameters<typeof label>[1]),
      ),
      rows: r.goals.map((g) => [
        g.dimension ? `${g.metricName} (${g.dimension.property} = ${g.dimension.value})` : g.metricName,
        g.period ?? '—',
        fv(g.baseline, g.format),
        fv(g.target, g.format),
        fv(g.actual, g.format),
        formatValue(g.attainment, 'percent', L),
        formatValue(g.timeProgress, 'percent', L),
        fv(g.forecast, g.format),
        statusLabel(L, g.status),
        g.grade === null ? '—' : g.grade.toFixed(1),
        g.owner ?? '—',
        g.statusRule,
      ]),
    });

  resultsBlocks(r, blocks, L);
  causesBlocks(r, blocks, L);

  h2('lessons');
  blocks.push(
    r.lessons.length
      ? { type: 'list', items: r.lessons.map((l) => `${label(L, l.kind)}: ${l.text}`) }
      : { type: 'paragraph', muted: true, text: label(L, 'none') },
  );

  h2('actions');
  if (!r.actions.length) blocks.push({ type: 'paragraph', muted: true, text: label(L, 'none') });
  else
    blocks.push({
      type: 'table',
      headers: [label(L, 'action'), label(L, 'owner'), label(L, 'deadline'), label(L, 'metric'), label(L, 'baseline'), label(L, 'target'), label(L, 'ice')],
      rows: r.actions.map((a) => [
        a.action,
        a.owner ?? '—',
        a.deadline ?? '—',
        a.metricKey ?? '—',
        a.baseline === null ? '—' : String(a.baseline),
        a.target === null ? '—' : String(a.target),
        a.ice ? `${a.ice.score.toFixed(1)} (I${a.ice.impact} C${a.ice.confidence} E${a.ice.ease}, ${a.ice.method})` : '—',
      ]),
    });

  h2('followUp');
  if (!r.followUp.length) blocks.push({ type: 'paragraph', muted: true, text: label(L, 'noPrevious') });
  else
    blocks.push({
      type: 'table',
      headers: [label(L, 'action'), label(L, 'metric'), label(L, 'before'), label(L, 'after'), label(L, 'target'), label(L, 'targetMet'), label(L, 'significant'), label(L, 'evidence')],
      rows: r.followUp.map((f) => [
        f.action,
        f.metricName ?? '—',
        fv(f.before, f.format),
        fv(f.after, f.format),
        fv(f.target, f.format),
        yesNo(f.targetMet, L),
        yesNo(f.significant, L),
        f.evidence,
      ]),
    });

  h2('risks');
  if (r.risks.computed.length) {
    blocks.push({ type: 'heading', level: 3, text: label(L, 'computedWarnings') });
    blocks.push({ type: 'list', items: r.risks.computed.map((w) => w.text) });
  }
  blocks.push({ type: 'heading', level: 3, text: label(L, 'written') });
  blocks.push(
    r.risks.written.length
      ? { type: 'list', items: r.risks.written.map((w) => (w.owner ? `${w.text} (${w.owner})` : w.text)) }
      : { type: 'paragraph', muted: true, text: label(L, 'none') },
  );

  h2('appendix');
  blocks.push({
    type: 'table',
    headers: [label(L, 'metric'), label(L, 'formula'), label(L, 'unit'), label(L, 'direction'), label(L, 'countingUnit'), label(L, 'timeZone')],
    rows: r.appendix.map((d) => [
      `${d.name} (${d.key})`,
      d.formula,
      d.unit,
      label(L, d.direction === 'higher_is_better' ? 'higherIsBetter' : 'lowerIsBetter'),
      d.countingUnit,
      d.timeZone,
    ]),
  });
  return blocks;
}

function yesNo(v: boolean | null, L: Lang): string {
  return v === null ? '—' : label(L, v ? 'yes' : 'no');
}

function resultsBlocks(r: Report, blocks: Block[], L: Lang): void {
  const fv = (v: number | null | undefined, f: Parameters<typeof formatValue>[1]) => formatValue(v, f, L, r.currency);
  blocks.push({ type: 'heading', level: 2, text: label(L, 'results') });
  if (r.results.metrics.length)
    blocks.push({
      type: 'table',
      headers: [label(L, 'metric'), label(L, 'value'), label(L, 'previousPeriod'), label(L, 'previousYear')],
      rows: r.results.metrics.map((m) => [m.name, fv(m.value, m.format), formatChange(m.previousPeriod, m.isRate, L, m.format), formatChange(m.previousYear, m.isRate, L, m.format)]),
    });
  r.results.trends.forEach((t, i) => blocks.push({ type: 'chart', name: `trend-${i + 1}-${t.key}`, svg: trendChartSvg(t, L), alt: t.title }));

  const f = r.results.funnel;
  if (f) {
    blocks.push({ type: 'heading', level: 3, text: `${label(L, 'funnel')}: ${f.title}` });
    blocks.push({
      type: 'table',
      headers: [label(L, 'step'), label(L, 'persons'), label(L, 'stepConversion'), label(L, 'dropOff'), label(L, 'overallConversion')],
      rows: f.steps.map((s, i) => [
        `${i + 1}. ${s.label}${i === f.biggestDropStep ? ` ← ${label(L, 'biggestDrop')}` : ''}`,
        formatValue(s.count, 'integer', L),
        formatValue(s.conversionFromPrevious, 'percent', L),
        formatValue(s.dropOff, 'percent', L),
        formatValue(s.conversionFromFirst, 'percent', L),
      ]),
    });
    // The overall conversion against the previous period's, in percentage points.
    if (f.overall !== null && f.previousOverall !== null) {
      const points = (f.overall - f.previousOverall) * 100;
      const change = formatChange({ previous: f.previousOverall, absolute: f.overall - f.previousOverall, relative: null, percentagePoints: points }, true, L);
      blocks.push({ type: 'paragraph', text: label(L, 'funnelOverall', { current: formatValue(f.overall, 'percent', L), previous: formatValue(f.previousOverall, 'percent', L), change }) });
    }
    blocks.push({ type: 'chart', name: 'funnel', svg: funnelChartSvg(f, L), alt: f.title });
  }

  const ret = r.results.retention;
  if (ret) {
    blocks.push({ type: 'heading', level: 3, text: `${label(L, 'retention')}: ${ret.title}` });
    const width = Math.max(0, ...ret.cohorts.map((c) => c.values.length));
    blocks.push({
      type: 'table',
      headers: [label(L, 'cohort'), label(L, 'size'), ...Array.from({ length: width }, (_, k) => `${ret.period[0]!.toUpperCase()}${k}`)],
      rows: [
        ...ret.cohorts.map((c) => [c.start, String(c.size), ...c.values.map((v) => (v === null || !c.size ? '' : formatValue(v / c.size, 'percent', L)))]),
        [label(L, 'average'), '', ...ret.average.map((v) => formatValue(v, 'percent', L))],
      ],
    });
  }

  if (r.results.channels.length) {
    blocks.push({ type: 'heading', level: 3, text: label(L, 'channels') });
    blocks.push({
      type: 'table',
      headers: ['channel', 'spend', 'impressions', 'clicks', 'ctr', 'cpc', 'newPersons', 'conversions', 'cpa', 'revenue', 'roas'].map((k) => label(L, k as Parameters<typeof label>[1])),
      rows: r.results.channels.map((c) => [
        c.channel,
        fv(c.spend, 'currency'),
        formatValue(c.impressions, 'integer', L),
        formatValue(c.clicks, 'integer', L),
        formatValue(c.ctr, 'percent', L),
        fv(c.cpc, 'currency'),
        formatValue(c.newPersons, 'integer', L),
        formatValue(c.conversions, 'integer', L),
        fv(c.cpa, 'currency'),
        fv(c.revenue, 'currency'),
        formatValue(c.roas, 'ratio', L),
      ]),
    });
  }

  if (r.results.experiments.length) {
    blocks.push({ type: 'heading', level: 3, text: label(L, 'experiments') });
    blocks.push({
      type: 'table',
      headers: [label(L, 'experiment'), label(L, 'metric'), label(L, 'variant'), label(L, 'lift'), label(L, 'interval'), label(L, 'pValue'), label(L, 'chanceToWin'), label(L, 'decision')],
      rows: r.results.experiments.map((e) => [
        e.key,
        e.metric,
        e.variant,
        formatValue(e.lift, 'percent', L),
        `[${formatValue(e.ci[0], 'percent', L)}, ${formatValue(e.ci[1], 'percent', L)}]`,
        e.pValue === null ? '—' : e.pValue < 0.001 ? '< 0.001' : e.pValue.toFixed(3),
        formatValue(e.chanceToWin, 'percent', L),
        e.srmWarning ? `${e.decision} (SRM!)` : e.decision,
      ]),
    });
  }

  const n = r.results.nps;
  if (n) {
    blocks.push({ type: 'heading', level: 3, text: `${label(L, 'nps')} · ${n.survey}` });
    blocks.push({
      type: 'paragraph',
      text: label(L, 'npsLine', {
        nps: n.nps.toFixed(1),
        lo: n.ci[0].toFixed(1),
        hi: n.ci[1].toFixed(1),
        n: n.n,
        p: formatValue(n.promoters, 'percent', L),
        pa: formatValue(n.passives, 'percent', L),
        d: formatValue(n.detractors, 'percent', L),
      }),
    });
    if (n.themes.length) blocks.push({ type: 'list', items: n.themes.map((t) => `${label(L, 'themes')}: ${t.theme} × ${t.count}`) });
  }
}

function causesBlocks(r: Report, blocks: Block[], L: Lang): void {
  blocks.push({ type: 'heading', level: 2, text: label(L, 'causes') });
  if (r.causes.nothingSignificant || !r.causes.findings.length) blocks.push({ type: 'paragraph', text: label(L, 'nothingSignificant') });
  else
    blocks.push({
      type: 'list',
      items: r.causes.findings.map((f) => `${f.sentence} ${label(L, 'basis')}: ${f.basis}. ${label(L, 'method')}: ${f.method}.`),
    });
  if (r.causes.reflections.length) {
    blocks.push({ type: 'heading', level: 3, text: label(L, 'reflections') });
    blocks.push({
      type: 'table',
      headers: [label(L, 'category'), label(L, 'problem'), label(L, 'reflection'), label(L, 'improvement')],
      rows: r.causes.reflections.map((c) => [c.category, c.problem, c.reflection, c.improvement]),
    });
  }
}
