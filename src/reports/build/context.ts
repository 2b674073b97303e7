import type { Engine } from '../../storage/engine.js';
import type { MetaStore } from '../../storage/metadata/store.js';
import type { AnalysisContext } from '../../analyses/shared/context.js';
import type { CountedSpan, Period } from '../../analyses/shared/period.js';
import type { MetricsContext } from '../../analyses/metrics/evaluate.js';
import type { Metric } from '../../analyses/metrics/schema.js';
import { localDate } from '../../analyses/shared/time-zone.js';

/** What building a report needs: the stores, "now", and the project's analysis context. */
export interface BuildContext {
  engine: Engine;
  meta: MetaStore;
  now: Date;
  signal?: AbortSignal;
  analysis: AnalysisContext;
  projectName: string;
  period: Period;
  /** The period's days counted: through yesterday while it runs (see countedSpan). */
  counted: CountedSpan;
  /** The 环比 and 同比 bases: like for like while the period runs (see likeForLike). */
  previous: Period;
  lastYear: Period;
  /** Per-project report settings (projects.settings.report). */
  settings: ReportSettings;
  /** Metric evaluation shared by every stage (one evaluator per span, see MetricsContext). */
  metrics: MetricsContext;
}

export interface ReportSettings {
  /** Metric keys shown in the results table; the first four are the headline. */
  metrics?: string[];
  /** The main funnel's steps (event names) and window in days. */
  funnel?: { steps: string[]; windowDays?: number; title?: string };
  retention?: { startEvent: string; returnEvent: string };
  /** Event counted as a conversion in the channel table. */
  conversionEvent?: string;
  /** Properties the findings explain changes across, besides the built-in dimensions. */
  dimensions?: string[];
  /** Metrics whose daily series are checked for anomalies (default: new persons, orders, paid sign-ups). */
  anomalyMetrics?: string[];
}

/** Metrics checked for anomalies when the project configured none (counts with daily volume). */
export const DEFAULT_ANOMALY_METRICS = ['new_persons', 'orders', 'paid_signups'];

export const DEFAULT_METRICS = ['new_persons', 'active_persons', 'paying_conversion', 'gmv', 'dau', 'orders', 'aov', 'arpu', 'spend', 'roas', 'cac', 'nps'];

/** Dimensions the findings explain across, besides those the project configures. */
export const DEFAULT_DIMENSIONS = ['channel', 'campaign', 'region', 'device_type', 'app_version'];

/** The dimensions of the report's within-day passes (anomalies, outliers). */
export function reportDimensions(settings: ReportSettings): { property: string; type: 'event' }[] {
  return [...new Set([...DEFAULT_DIMENSIONS, ...(settings.dimensions ?? [])])].map((property) => ({ property, type: 'event' as const }));
}

/**
 * The dimensions of period-over-period passes (explanations, shifts): without app
 * versions, which the release train confounds (every week a new version takes the traffic
 * of the old one, so "version 2.20 explains the change" would always be true and never
 * useful). Versions stay in the within-day passes.
 */
export function periodDimensions(settings: ReportSettings): { property: string; type: 'event' }[] {
  return reportDimensions(settings).filter((d) => d.property !== 'app_version');
}

/** Counting units whose cumulative counts take the Poisson rate test (see gatherMetrics). */
const COUNTED_UNITS = ['persons', 'events', 'orders', 'responses', 'impressions', 'clicks'];

/**
 * Whether a metric's 环比 change is tested for significance: rates (two proportions) and
 * cumulative counts of countable things (Poisson). The findings explain a metric whose
 * change tests significant, so these are the metrics read by dimension up front (reads.ts).
 */
export function changeIsTested(m: Metric): boolean {
  return m.isRate || isCountedTotal(m);
}

/** A cumulative count of countable things: its change takes the Poisson rate test. */
export function isCountedTotal(m: Metric): boolean {
  return m.cumulative && COUNTED_UNITS.includes(m.countingUnit);
}

/**
 * The last day a report shows per day or per cohort: the period's end, or today (in the
 * project's time zone) while the period runs. A running quarter's later weeks have not
 * happened: shown, they would read as zeros. Before the period starts, its first day.
 */
export function lastDayShown(ctx: Pick<BuildContext, 'now' | 'period' | 'analysis'>): string {
  const today = localDate(ctx.now, ctx.analysis.timeZone);
  if (today >= ctx.period.toDate) return ctx.period.toDate;
  return today < ctx.period.fromDate ? ctx.period.fromDate : today;
}
