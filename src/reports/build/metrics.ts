import { createEvaluator } from '../../analyses/metrics/evaluate.js';
import { describeMetric } from '../../analyses/metrics/describe.js';
import type { Metric } from '../../analyses/metrics/schema.js';
import { loadDictionary, metricsOf } from '../../analyses/metrics/store.js';
import { poissonRateTest, twoProportionTest } from '../../stats/compare.js';
import type { MetricData } from '../data.js';
import type { ValueFormat } from '../model.js';
import { type BuildContext, DEFAULT_METRICS, isCountedTotal } from './context.js';
import { prefetchReportReads } from './reads.js';

/** The dictionary's display format in the report's terms. */
export function reportFormat(m: Metric): ValueFormat {
  if (m.format === 'percent') return 'percent';
  if (m.format === 'currency') return 'currency';
  if (m.format === 'duration') return 'duration';
  if (m.unit === 'x') return 'ratio';
  if (m.definition.kind === 'nps') return 'score';
  if (m.countingUnit === 'currency') return 'currency';
  // Counts of things are whole numbers; averages (DAU) and formulas are not.
  const counted = ['persons', 'events', 'orders', 'impressions', 'clicks', 'sessions'].includes(m.countingUnit);
  return counted && m.cumulative ? 'integer' : 'number';
}

/**
 * The key metrics for this period, the previous one (环比) and the same period last year
 * (同比). Significance of the 环比 change: a two-proportion test for rates with counts
 * behind them, a Poisson rate test for cumulative counts; null where neither applies.
 */
export async function gatherMetrics(ctx: BuildContext, extraKeys: readonly string[] = []): Promise<MetricData[]> {
  const dictionary = metricsOf(await loadDictionary(ctx.meta, ctx.analysis.projectId));
  const wanted = [...new Set([...(ctx.settings.metrics ?? DEFAULT_METRICS), ...extraKeys])].filter((k) => dictionary.has(k));
  const deps = ctx.metrics;
  const [cur, prev, last] = await Promise.all(
    [ctx.period, ctx.previous, ctx.lastYear].map((span) => createEvaluator(deps, ctx.analysis.projectId, { fromDate: span.fromDate, toDate: span.toDate })),
  );
  // Every read the report's stages will make of its rates, goals and follow-up, in one pass
  // per metric where it can (see reads.ts).
  await prefetchReportReads(ctx, dictionary, wanted);
  const out: MetricData[] = [];
  const headlineCount = 4;
  for (const [i, key] of wanted.entries()) {
    const m = dictionary.get(key)!;
    // Sequential on purpose: chDB runs one query at a time per connection anyway, and the
    // evaluators share sub-results between metrics.
    const now = await cur!.total(key);
    const before = await prev!.total(key);
    const lastYear = await last!.total(key);
    const parts = {
      current: now.numerator !== null && now.denominator !== null ? ([now.numerator, now.denominator] as [number, number]) : null,
      previous: before.numerator !== null && before.denominator !== null ? ([before.numerator, before.denominator] as [number, number]) : null,
    };
    out.push({
      key,
      name: m.name,
      format: reportFormat(m),
      isRate: m.isRate,
      direction: m.direction,
      headline: i < headlineCount,
      value: now.value,
      previous: before.value,
      lastYear: lastYear.value,
      parts,
      significant: significance(m, now.value, before.value, parts, ctx),
      formula: describeMetric(m),
      unit: m.unit === 'currency' ? ctx.analysis.currency : m.unit,
      countingUnit: m.countingUnit,
    });
  }
  return out;
}

function significance(m: Metric, value: number | null, previous: number | null, parts: MetricData['parts'], ctx: BuildContext): boolean | null {
  if (m.isRate && parts?.current && parts.previous) {
    const [x1, n1] = parts.current;
    const [x0, n0] = parts.previous;
    if (Number.isInteger(x1) && Number.isInteger(n1) && x1 <= n1 && x0 <= n0) return twoProportionTest(x1, n1, x0, n0)?.significant ?? null;
    return null;
  }
  if (isCountedTotal(m) && value !== null && previous !== null && Number.isInteger(value) && Number.isInteger(previous)) {
    return poissonRateTest(value, ctx.counted.days, previous, ctx.previous.days)?.significant ?? null;
  }
  return null;
}
