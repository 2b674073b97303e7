import { z } from 'zod';
import { filtersSchema } from '../shared/filters.js';
import { propertyName } from '../shared/properties.js';

/**
 * A metric of the dictionary (数据字典). Its `definition` reuses the analysis spec shapes
 * (trends series, funnel steps, retention start / return events — docs/analyses.md) without
 * a date range: the evaluator supplies the period. `formula` definitions combine other
 * metrics by key.
 */
export const METRIC_KEY = /^[a-z][a-z0-9_]{0,62}$/;
export const metricKey = z.string().regex(METRIC_KEY, 'expected lowercase letters, digits and _, starting with a letter (at most 63)');

const bilingual = z.object({ 'zh-CN': z.string().min(1).max(500), 'en-US': z.string().min(1).max(500) }).strict();
const bilingualText = z.object({ 'zh-CN': z.string().max(4000), 'en-US': z.string().max(4000) }).strict();

/** Event name; `$any` means every event (activity, new persons). */
const eventName = z.string().min(1).max(200);

/**
 * One trends series reduced over the whole period.
 * math: total (events) · unique_persons · first_time (persons whose first matching event
 * ever falls in the period) · repeat_persons (persons with ≥ 2 matching events in the
 * period) · dau / wau / mau (average over the period's days of distinct persons active on
 * the day / trailing 7 days / trailing 30 days) · sum / avg of a numeric property ·
 * per_person_avg (events per person).
 * paidChannelsOnly keeps events whose channel had ad spend in the period (paid attribution).
 */
export const TREND_MATHS = ['total', 'unique_persons', 'first_time', 'repeat_persons', 'dau', 'wau', 'mau', 'sum', 'avg', 'per_person_avg'] as const;
export const seriesSchema = z
  .object({
    event: eventName,
    filters: filtersSchema,
    math: z.enum(TREND_MATHS).default('total'),
    property: propertyName.optional(),
    paidChannelsOnly: z.boolean().default(false),
  })
  .strict()
  .refine((s) => !['sum', 'avg'].includes(s.math) || s.property, { message: 'sum and avg need a numeric property', path: ['property'] });
export type SeriesDef = z.infer<typeof seriesSchema>;

const stepSchema = z.object({ event: eventName, filters: filtersSchema }).strict();
const windowSchema = z.object({ value: z.number().int().min(1).max(10000), unit: z.enum(['second', 'minute', 'hour', 'day', 'week', 'month']) }).strict();

export const definitionSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('trends'),
      series: z.array(seriesSchema).min(1).max(4),
      /** Over series letters A, B, C, D; default `A`. */
      formula: z.string().max(200).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('funnel'),
      steps: z.array(stepSchema).min(2).max(10),
      window: windowSchema.default({ value: 14, unit: 'day' }),
      order: z.literal('ordered').default('ordered'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('retention'),
      startEvent: stepSchema,
      returnEvent: stepSchema,
      period: z.literal('day').default('day'),
      /** The interval N of "DN retention". */
      interval: z.number().int().min(1).max(120),
      type: z.enum(['first_time', 'recurring']).default('first_time'),
      mode: z.enum(['classic', 'unbounded']).default('classic'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('channels'),
      /** Sums of the ad_spend table; ratios (CTR, CPM, …) are formulas over these. */
      measure: z.enum(['spend', 'impressions', 'clicks']),
    })
    .strict(),
  z
    .object({
      kind: z.literal('nps'),
      event: eventName,
      property: propertyName.default('score'),
      filters: filtersSchema,
    })
    .strict(),
  z
    .object({
      kind: z.literal('formula'),
      /** Arithmetic (+ − × ÷, parentheses, numbers) over other metric keys, e.g. `gmv / orders`. */
      formula: z.string().min(1).max(500),
    })
    .strict(),
]);
export type MetricDefinition = z.infer<typeof definitionSchema>;
export type MetricDefinitionInput = z.input<typeof definitionSchema>;

export const FORMATS = ['number', 'percent', 'currency', 'duration'] as const;
export const COUNTING_UNITS = ['persons', 'events', 'orders', 'currency', 'sessions', 'responses', 'impressions', 'clicks'] as const;

export const metricSchema = z
  .object({
    key: metricKey,
    name: bilingual,
    description: bilingualText.default({ 'zh-CN': '', 'en-US': '' }),
    definition: definitionSchema,
    /** Display unit: `persons`, `CNY`, `%`, `x`, `score`… (`currency` means the project's currency). */
    unit: z.string().min(1).max(40),
    format: z.enum(FORMATS),
    direction: z.enum(['higher_is_better', 'lower_is_better']),
    countingUnit: z.enum(COUNTING_UNITS),
    owner: z.string().max(200).default(''),
    /** A rate (0–1): compare in percentage points. */
    isRate: z.boolean().default(false),
    /** Accumulates over the period (sums, counts): 时间进度 and run-rate forecasts apply. */
    cumulative: z.boolean().default(false),
    /** A formula in words (zh / en) for the appendix; derived from the definition when empty. */
    formulaText: bilingualText.optional(),
  })
  .strict();
export type Metric = z.infer<typeof metricSchema>;
export type MetricInput = z.input<typeof metricSchema>;

/** A dimension value to restrict a metric to, e.g. `{ property: 'channel', value: 'douyin' }`. */
export const dimensionValueSchema = z
  .object({ property: propertyName, value: z.string().max(1000), type: z.enum(['event', 'person']).default('event') })
  .strict();
export type DimensionValue = z.input<typeof dimensionValueSchema>;
