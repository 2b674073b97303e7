import { createEvaluator, type DateSpan, type MetricsContext } from '../analyses/metrics/evaluate.js';
import { describeMetric } from '../analyses/metrics/describe.js';
import type { Metric } from '../analyses/metrics/schema.js';
import { daysBetween } from '../analyses/shared/time-zone.js';
import { likeForLike, parsePeriod, previousPeriod, samePeriodLastYear } from '../analyses/shared/period.js';
import { FupanError, isFupanError } from '../core/errors/index.js';
import type { Lang } from '../core/lang.js';
import type { ReportSettings } from '../reports/build/context.js';
import type { AppContext } from './context.js';

export const COMPARISONS = ['previous_period', 'previous_year'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export interface MetricComparison {
  span: DateSpan;
  value: number | null;
  /** value − basis (for rates: a difference of ratios; × 100 = percentage points). */
  absolute: number | null;
  /** (value − basis) / |basis|; null when the basis is 0 or missing. */
  relative: number | null;
}

export interface MetricValue {
  key: string;
  name: Metric['name'];
  format: Metric['format'];
  unit: string;
  direction: Metric['direction'];
  isRate: boolean;
  formula: { 'zh-CN': string; 'en-US': string };
  span: DateSpan;
  counted: DateSpan & { complete: boolean };
  value: number | null;
  compare: Partial<Record<Comparison, MetricComparison>>;
  /** Set when the metric cannot be computed for this project (e.g. no ad spend): code and message. */
  error?: { code: string; message: string };
}

const change = (v: number | null, b: number | null) => ({
  absolute: v !== null && b !== null ? v - b : null,
  relative: v !== null && b !== null && b !== 0 ? (v - b) / Math.abs(b) : null,
});

/**
 * Several metrics of the dictionary for one period, each with its 环比 (previous period) and
 * 同比 (same period last year) when asked; one evaluator per span is shared by all keys.
 * A metric that cannot be computed (unknown key, no data source) carries `error` instead of
 * failing the whole answer.
 *
 * @example await metricValues(ctx, 'shop', ['gmv', 'orders'], '2025-07', ['previous_period'], 'zh-CN')
 */
export async function metricValues(
  ctx: Pick<AppContext, 'engine' | 'meta'> & Pick<MetricsContext, 'now' | 'signal' | 'evaluators'>,
  projectId: string,
  keys: string[],
  periodLabel: string,
  compare: readonly Comparison[],
  lang: Lang,
): Promise<MetricValue[]> {
  const period = parsePeriod(periodLabel);
  const mctx: MetricsContext = { engine: ctx.engine, meta: ctx.meta, evaluators: ctx.evaluators ?? new Map(), ...(ctx.now ? { now: ctx.now } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) };
  const current = await createEvaluator(mctx, projectId, period);
  const counted = current.counted;
  const bases = compare.map((c) => [c, likeForLike(c === 'previous_period' ? previousPeriod(period) : samePeriodLastYear(period), { ...counted, days: Math.max(0, daysBetween(counted.fromDate, counted.toDate) + 1) })] as const);
  const evaluators = await Promise.all(bases.map(([, span]) => createEvaluator(mctx, projectId, span)));
  return Promise.all(
    keys.map(async (key): Promise<MetricValue> => {
      const metric = current.metrics.get(key);
      if (!metric) throw new FupanError('not_found', { what: 'metric', id: key });
      const base = {
        key,
        name: metric.name,
        format: metric.format,
        unit: metric.unit,
        direction: metric.direction,
        isRate: metric.isRate,
        formula: describeMetric(metric),
        span: { fromDate: period.fromDate, toDate: period.toDate },
        counted,
      };
      try {
        const value = (await current.total(key)).value;
        const out: MetricValue = { ...base, value, compare: {} };
        await Promise.all(
          bases.map(async ([c, span], i) => {
            const b = (await evaluators[i]!.total(key)).value;
            out.compare[c] = { span, value: b, ...change(value, b) };
          }),
        );
        return out;
      } catch (e) {
        if (!isFupanError(e) || e.code === 'internal') throw e;
        return { ...base, value: null, compare: {}, error: { code: e.code, message: e.toJSON(lang).message } };
      }
    }),
  );
}

/** The project's report metric list (`projects.settings.report.metrics`), or null when it has none. */
export async function reportMetricKeys(ctx: Pick<AppContext, 'meta'>, projectId: string): Promise<string[] | null> {
  const [row] = await ctx.meta.query<{ settings: { report?: ReportSettings } | null }>(`SELECT settings FROM projects WHERE id = $1`, [projectId]);
  return row?.settings?.report?.metrics ?? null;
}
