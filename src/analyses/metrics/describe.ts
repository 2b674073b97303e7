import type { Bilingual } from '../../core/lang.js';
import type { Metric, MetricDefinition } from './schema.js';

/**
 * The formula of a metric in words, zh-CN and en-US, for the report's appendix and every
 * number's tooltip. A metric's own `formulaText` wins; otherwise it is derived from the
 * definition (so it can never disagree with what was computed).
 */
export function describeMetric(m: Metric): Bilingual {
  if (m.formulaText && m.formulaText['en-US']) return m.formulaText;
  return describeDefinition(m.definition);
}

const MATH: Record<string, Bilingual> = {
  total: { 'zh-CN': '事件数', 'en-US': 'count of events' },
  unique_persons: { 'zh-CN': '去重用户数', 'en-US': 'distinct persons' },
  first_time: { 'zh-CN': '首次发生在本期的用户数', 'en-US': 'persons doing it for the first time ever' },
  repeat_persons: { 'zh-CN': '发生 ≥ 2 次的用户数', 'en-US': 'persons doing it at least twice' },
  dau: { 'zh-CN': '日均活跃用户', 'en-US': 'average daily active persons' },
  wau: { 'zh-CN': '日均近 7 天活跃用户', 'en-US': 'average trailing-7-day active persons' },
  mau: { 'zh-CN': '日均近 30 天活跃用户', 'en-US': 'average trailing-30-day active persons' },
  sum: { 'zh-CN': '求和', 'en-US': 'sum' },
  avg: { 'zh-CN': '平均值', 'en-US': 'average' },
  per_person_avg: { 'zh-CN': '人均事件数', 'en-US': 'events per person' },
};

const ev = (e: string, lang: 'zh-CN' | 'en-US') => (e === '$any' ? (lang === 'zh-CN' ? '任一事件' : 'any event') : e);

export function describeDefinition(d: MetricDefinition): Bilingual {
  const both = (f: (lang: 'zh-CN' | 'en-US') => string): Bilingual => ({ 'zh-CN': f('zh-CN'), 'en-US': f('en-US') });
  switch (d.kind) {
    case 'trends': {
      const letters = d.series.map((s, i) => {
        const prop = s.property ? ` ${s.property}` : '';
        return (lang: 'zh-CN' | 'en-US') =>
          `${String.fromCharCode(65 + i)} = ${ev(s.event, lang)}: ${MATH[s.math]![lang]}${prop}${s.filters.length ? (lang === 'zh-CN' ? '（带过滤条件）' : ' (filtered)') : ''}${s.paidChannelsOnly ? (lang === 'zh-CN' ? '，仅有消耗的渠道' : ', channels with ad spend only') : ''}`;
      });
      return both((lang) => [...letters.map((l) => l(lang)), ...(d.formula && d.formula !== 'A' ? [`${lang === 'zh-CN' ? '指标' : 'metric'} = ${d.formula}`] : [])].join('; '));
    }
    case 'funnel':
      return both((lang) =>
        lang === 'zh-CN'
          ? `漏斗 ${d.steps.map((s) => s.event).join(' → ')}（${d.window.value} ${d.window.unit} 窗口内按顺序完成，按人计）：完成最后一步人数 ÷ 进入第一步人数`
          : `funnel ${d.steps.map((s) => s.event).join(' → ')} (in order within ${d.window.value} ${d.window.unit}, by person): n(last) / n(first)`,
      );
    case 'retention':
      return both((lang) =>
        lang === 'zh-CN'
          ? `${d.type === 'first_time' ? '首次' : '每次'} ${ev(d.startEvent.event, lang)} 的同期群中，第 ${d.interval} 天${d.mode === 'unbounded' ? '及以后' : ''}做 ${ev(d.returnEvent.event, lang)} 的比例（自然日，项目时区；只计已满 ${d.interval} 天的同期群）`
          : `share of the ${d.type === 'first_time' ? 'first-time' : 'recurring'} ${ev(d.startEvent.event, lang)} cohort doing ${ev(d.returnEvent.event, lang)} on day ${d.interval}${d.mode === 'unbounded' ? ' or later' : ''} (calendar days, project time zone; only cohorts that reached day ${d.interval})`,
      );
    case 'channels':
      return both((lang) => (lang === 'zh-CN' ? `广告数据 ad_spend 中 ${d.measure === 'spend' ? 'cost' : d.measure} 之和` : `sum of ${d.measure === 'spend' ? 'cost' : d.measure} in ad_spend`));
    case 'nps':
      return both((lang) =>
        lang === 'zh-CN'
          ? `${d.event} 的 ${d.property}：NPS = 100 ×（9–10 分占比 − 0–6 分占比）；SE = 100 × √((p + d − (p − d)²) / n)，95% 区间 ± 1.96 SE`
          : `${d.property} of ${d.event}: NPS = 100 × (share 9–10 − share 0–6); SE = 100 × √((p + d − (p − d)²) / n), 95% interval ± 1.96 SE`,
      );
    case 'formula':
      return both(() => d.formula);
  }
}
