import { createEvaluator, type SegmentValue } from '../../analyses/metrics/evaluate.js';
import { loadDictionary, metricsOf } from '../../analyses/metrics/store.js';
import { poissonRateTest, twoProportionTest } from '../../stats/compare.js';
import type { FollowUpData } from '../data.js';
import { formatValue } from '../format.js';
import { listItems, previousPublished } from '../store.js';
import type { BuildContext } from './context.js';
import { reportFormat } from './metrics.js';

interface ActionData {
  action: string;
  owner: string | null;
  metricKey: string | null;
  target: number | null;
}

/**
 * 上期跟进: every action of the previous published report, with its metric measured over
 * that report's period (before) and this one (after), whether the target was met
 * (direction-aware) and whether the change is significant (two-proportion test for rates
 * with counts, Poisson rate test for cumulative counts).
 */
export async function gatherFollowUp(ctx: BuildContext): Promise<FollowUpData[]> {
  const prev = await previousPublished(ctx.meta, ctx.analysis.projectId, ctx.period.fromDate);
  if (!prev) return [];
  const actions = (await listItems(ctx.meta, prev.id)).filter((i) => i.kind === 'action');
  if (!actions.length) return [];
  const dictionary = metricsOf(await loadDictionary(ctx.meta, ctx.analysis.projectId));
  const deps = ctx.metrics;
  const before = await createEvaluator(deps, ctx.analysis.projectId, { fromDate: prev.fromDate, toDate: prev.toDate });
  const after = await createEvaluator(deps, ctx.analysis.projectId, { fromDate: ctx.period.fromDate, toDate: ctx.period.toDate });
  const prevDays = Math.round((Date.parse(prev.toDate) - Date.parse(prev.fromDate)) / 86400000) + 1;
  const out: FollowUpData[] = [];
  for (const item of actions) {
    const a = item.data as unknown as ActionData;
    const metric = a.metricKey ? dictionary.get(a.metricKey) : undefined;
    if (!metric || !a.metricKey) {
      out.push({
        actionId: item.id,
        action: a.action,
        owner: a.owner,
        metricKey: a.metricKey,
        metricName: null,
        format: 'number',
        before: null,
        after: null,
        target: a.target,
        targetMet: null,
        significant: null,
        evidence: a.metricKey
          ? { 'zh-CN': `指标 ${a.metricKey} 不在数据字典中，无法评估`, 'en-US': `metric ${a.metricKey} is not in the dictionary, so it cannot be evaluated` }
          : { 'zh-CN': '该行动没有关联指标，需要人工评估', 'en-US': 'no metric is linked to this action; judge it by hand' },
      });
      continue;
    }
    const b = await before.total(a.metricKey);
    const c = await after.total(a.metricKey);
    const format = reportFormat(metric);
    const targetMet =
      a.target === null || c.value === null ? null : metric.direction === 'higher_is_better' ? c.value >= a.target : c.value <= a.target;
    const test = changeTest(metric.isRate, metric.cumulative, b, c, prevDays, ctx.counted.days);
    const show = (v: number | null, lang: 'zh-CN' | 'en-US') => formatValue(v, format, lang, ctx.analysis.currency);
    const p = test ? (test.pValue < 0.001 ? '< 0.001' : test.pValue.toFixed(3)) : null;
    out.push({
      actionId: item.id,
      action: a.action,
      owner: a.owner,
      metricKey: a.metricKey,
      metricName: metric.name,
      format,
      before: b.value,
      after: c.value,
      target: a.target,
      targetMet,
      significant: test ? test.significant : null,
      evidence: {
        'zh-CN': `${prev.periodLabel} ${show(b.value, 'zh-CN')} → 本期 ${show(c.value, 'zh-CN')}${p ? `（${test!.method === 'two_proportion_z' ? '双比例 z 检验' : '泊松率检验'}，p = ${p}）` : '（无适用的显著性检验）'}`,
        'en-US': `${prev.periodLabel} ${show(b.value, 'en-US')} → this period ${show(c.value, 'en-US')}${p ? ` (${test!.method === 'two_proportion_z' ? 'two-proportion z-test' : 'Poisson rate test'}, p = ${p})` : ' (no significance test applies)'}`,
      },
    });
  }
  return out;
}

function changeTest(isRate: boolean, cumulative: boolean, b: SegmentValue, c: SegmentValue, daysBefore: number, daysAfter: number) {
  if (isRate && b.numerator !== null && b.denominator !== null && c.numerator !== null && c.denominator !== null) {
    if ([b.numerator, b.denominator, c.numerator, c.denominator].every(Number.isInteger)) return twoProportionTest(c.numerator, c.denominator, b.numerator, b.denominator);
    return null;
  }
  if (cumulative && b.value !== null && c.value !== null && Number.isInteger(b.value) && Number.isInteger(c.value)) {
    return poissonRateTest(c.value, daysAfter, b.value, daysBefore);
  }
  return null;
}
