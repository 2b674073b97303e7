import type { Finding } from '../analyses/explain/findings.js';
import type { Bilingual, Lang } from '../core/lang.js';
import type { FindingData } from './data.js';
import { formatValue } from './format.js';
import type { ValueFormat } from './model.js';

export interface MetricLabel {
  name: Bilingual;
  format: ValueFormat;
  isRate: boolean;
}

const both = (f: (lang: Lang) => string): Bilingual => ({ 'zh-CN': f('zh-CN'), 'en-US': f('en-US') });
const pct = (x: number | null | undefined, lang: Lang) => formatValue(x ?? null, 'percent', lang);
const pp = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pp`);
const signed = (x: number | null | undefined, format: ValueFormat, lang: Lang) =>
  x === null || x === undefined ? '—' : `${x >= 0 ? '+' : '−'}${formatValue(Math.abs(x), format, lang)}`;

/** "dimension = value", with the dimension's usual Chinese name. */
const DIMENSION_ZH: Record<string, string> = { channel: '渠道', campaign: '广告计划', region: '地区', device_type: '设备', app_version: '版本' };
function segmentText(f: Finding, lang: Lang): string {
  if (!f.dimension) return '';
  const dim = lang === 'zh-CN' ? (DIMENSION_ZH[f.dimension] ?? f.dimension) : f.dimension;
  return f.segment === undefined ? dim : `${dim} = ${f.segment}`;
}

function basisText(f: Finding, lang: Lang): string {
  const c = f.basis.comparison;
  switch (f.basis.kind) {
    case 'same_weekday_median':
      return lang === 'zh-CN' ? '此前各周同一星期几的中位数' : 'the median of the same weekday in earlier weeks';
    case 'rest_of_segments':
      return lang === 'zh-CN' ? '同日其余分群' : 'the rest of the same day';
    case 'comparison_period':
      return c ? (lang === 'zh-CN' ? `对比期（${c.fromDate} – ${c.toDate}）` : `the comparison period (${c.fromDate} – ${c.toDate})`) : '';
    default:
      return c ? (lang === 'zh-CN' ? `上期（${c.fromDate} – ${c.toDate}）` : `the previous period (${c.fromDate} – ${c.toDate})`) : lang === 'zh-CN' ? '上期' : 'the previous period';
  }
}

const pValue = (p: number | null | undefined) => (p === null || p === undefined ? '—' : p < 0.001 ? '< 0.001' : p.toFixed(3));

const METHOD: Record<string, Bilingual> = {
  segment_outlier: { 'zh-CN': '分群与同日其余部分的双比例 z 检验，Benjamini–Hochberg 校正', 'en-US': 'two-proportion z-test of a segment against the rest of the day, Benjamini–Hochberg correction' },
  segment_shift: { 'zh-CN': '分群双比例 z 检验，Benjamini–Hochberg 多重比较校正', 'en-US': 'two-proportion z-test per segment, Benjamini–Hochberg correction across segments' },
  adtributor: { 'zh-CN': 'Adtributor 维度排序（Bhagwan 等，NSDI 2014；Jensen–Shannon 惊奇度）', 'en-US': 'Adtributor dimension ranking (Bhagwan et al., NSDI 2014; Jensen–Shannon surprise)' },
  additive_contribution: { 'zh-CN': '加性贡献度 Δyᵢ / ΔY', 'en-US': 'additive contribution Δyᵢ / ΔY' },
  mix_rate: { 'zh-CN': '结构（mix）与比率（rate）分解：ΔR = Σ Δw·r⁰ + Σ w⁰·Δr + Σ Δw·Δr', 'en-US': 'mix-vs-rate decomposition: ΔR = Σ Δw·r⁰ + Σ w⁰·Δr + Σ Δw·Δr' },
  weekday_median_robust_z: { 'zh-CN': '去除星期季节性后的稳健 z 分数（0.6745·|x − 中位数| / MAD），并要求最小样本量', 'en-US': 'robust z on the weekday-adjusted residual (0.6745·|x − median| / MAD) with a minimum volume' },
};

/**
 * One sentence per finding, in both languages, built only from the finding's numbers —
 * nothing is said that the numbers do not show.
 */
export function findingText(f: Finding, metric: MetricLabel): FindingData {
  const n = f.numbers;
  const name = metric.name;
  let sentence: Bilingual;
  switch (f.kind) {
    case 'contribution':
      sentence = both((l) =>
        l === 'zh-CN'
          ? `${name[l]}较${basisText(f, l)}变化 ${signed(n.totalDelta, metric.format, l)}，其中 ${segmentText(f, l)} 变化 ${signed(n.delta, metric.format, l)}，占总变化的 ${pct(n.share, l)}。`
          : `${name[l]} changed by ${signed(n.totalDelta, metric.format, l)} against ${basisText(f, l)}; ${segmentText(f, l)} changed by ${signed(n.delta, metric.format, l)}, ${pct(n.share, l)} of the total change.`,
      );
      break;
    case 'mix_rate': {
      // A rate (conversion) reads in % and pp; any other ratio (AOV, ROAS, CAC) in its own unit.
      const v = (x: number | null | undefined, l: Lang) => (metric.isRate ? pct(x, l) : formatValue(x ?? null, metric.format, l));
      const d = (x: number | null | undefined, l: Lang) => (metric.isRate ? pp(x) : signed(x, metric.format, l));
      sentence = both((l) =>
        l === 'zh-CN'
          ? `${name[l]}较${basisText(f, l)}变化 ${d(n.delta, l)}；${segmentText(f, l)} 的值从 ${v(n.r0, l)} 变为 ${v(n.r1, l)}（比率效应 ${d(n.rate, l)}），占比从 ${pct(n.w0, l)} 变为 ${pct(n.w1, l)}（结构效应 ${d(n.mix, l)}）。`
          : `${name[l]} moved ${d(n.delta, l)} against ${basisText(f, l)}; for ${segmentText(f, l)} the value went from ${v(n.r0, l)} to ${v(n.r1, l)} (rate effect ${d(n.rate, l)}) and its share from ${pct(n.w0, l)} to ${pct(n.w1, l)} (mix effect ${d(n.mix, l)}).`,
      );
      break;
    }
    case 'segment_shift':
      sentence = both((l) =>
        l === 'zh-CN'
          ? `${segmentText(f, l)} 的${name[l]}从${basisText(f, l)}的 ${pct(n.r0, l)} 变为 ${pct(n.r1, l)}（${pp(n.delta)}，样本 ${n.n0} → ${n.n1}，校正后 p = ${pValue(n.adjustedP)}）。`
          : `${name[l]} for ${segmentText(f, l)} went from ${pct(n.r0, l)} in ${basisText(f, l)} to ${pct(n.r1, l)} (${pp(n.delta)}, n ${n.n0} → ${n.n1}, adjusted p = ${pValue(n.adjustedP)}).`,
      );
      break;
    case 'segment_outlier':
      sentence = both((l) =>
        l === 'zh-CN'
          ? `${f.basis.current.fromDate} ${segmentText(f, l)} 的${name[l]}为 ${pct(n.r1, l)}（n = ${n.n1}），同日其余为 ${pct(n.rRest, l)}（n = ${n.nRest}），校正后 p = ${pValue(n.adjustedP)}。`
          : `On ${f.basis.current.fromDate}, ${name[l]} for ${segmentText(f, l)} was ${pct(n.r1, l)} (n = ${n.n1}) against ${pct(n.rRest, l)} for the rest of that day (n = ${n.nRest}), adjusted p = ${pValue(n.adjustedP)}.`,
      );
      break;
    case 'adtributor':
      sentence = both((l) =>
        l === 'zh-CN'
          ? `在各维度中，${segmentText(f, l)}最能解释${name[l]}的变化（惊奇度 ${surpriseText(n.surprise)}，解释力 ${pct(n.explanatoryPower, l)}）。`
          : `Of all dimensions, ${segmentText(f, l)} explains the change of ${name[l]} best (surprise ${surpriseText(n.surprise)}, explanatory power ${pct(n.explanatoryPower, l)}).`,
      );
      break;
    default: {
      const day = f.basis.current.fromDate;
      const where = f.dimension ? (l: Lang) => (l === 'zh-CN' ? `（${segmentText(f, l)}）` : ` for ${segmentText(f, l)}`) : () => '';
      sentence = both((l) =>
        l === 'zh-CN'
          ? `${day} ${name[l]}${where(l)}为 ${formatValue(n.value ?? null, metric.format, l)}，而同星期几的预期为 ${formatValue(n.expected ?? null, metric.format, l)}（稳健 z = ${(n.z ?? 0).toFixed(1)}），属于异常。`
          : `On ${day}, ${name[l]}${where(l)} was ${formatValue(n.value ?? null, metric.format, l)} against an expected ${formatValue(n.expected ?? null, metric.format, l)} for that weekday (robust z = ${(n.z ?? 0).toFixed(1)}): an anomaly.`,
      );
    }
  }
  return {
    kind: f.kind,
    metricKey: f.metric,
    sentence,
    numbers: { ...n, ...(f.dimension ? { dimension: f.dimension } : {}), ...(f.segment !== undefined ? { segment: f.segment } : {}) },
    basis: both((l) => basisText(f, l)),
    method: METHOD[f.method.name] ?? { 'zh-CN': f.method.name, 'en-US': f.method.name },
    // The call and its arguments reproduce the finding; the SQL is attached when it is
    // short (shared evaluators collect every query of a span, so long lists say little).
    reproduce: { call: f.reproduce.call, args: f.reproduce.args, ...(f.reproduce.queries.length <= 4 ? { sql: f.reproduce.queries.map((q) => q.sql) } : {}) },
  };
}

/**
 * Adtributor's surprise (a Jensen–Shannon divergence) for the text: small values keep two
 * significant digits. A change spread evenly across a dimension's values has a surprise
 * near 1e-6, which three decimals would print as a misleading 0.000.
 */
function surpriseText(x: number | null | undefined): string {
  const v = x ?? 0;
  return v !== 0 && Math.abs(v) < 0.001 ? v.toExponential(1) : v.toFixed(3);
}
