import { z } from 'zod';
import { breakdownSchema } from '../shared/breakdown.js';
import { intervalSchema } from '../shared/buckets.js';
import { compareSchema } from '../shared/comparison.js';
import { dateRangeSchema } from '../shared/date-range.js';
import { filtersSchema } from '../shared/filters.js';
import { LIMITS } from '../shared/limits.js';
import { propertyName } from '../shared/properties.js';
import { parseFormula } from './formula.js';

export const MATHS = [
  'total',
  'unique_persons',
  'dau',
  'wau',
  'mau',
  'per_person_avg',
  'sum',
  'avg',
  'min',
  'max',
  'median',
  'p90',
  'p95',
  'p99',
] as const;
export type TrendMath = (typeof MATHS)[number];

/** Maths over a numeric property; they need `mathProperty`. */
export const PROPERTY_MATHS: readonly TrendMath[] = ['sum', 'avg', 'min', 'max', 'median', 'p90', 'p95', 'p99'];
/** Maths whose buckets add up (cumulative is a running sum, so only these allow it). */
export const ADDITIVE_MATHS: readonly TrendMath[] = ['total', 'sum'];
/** Trailing window, in days, of the active-users maths. */
export const ACTIVE_WINDOW_DAYS: Partial<Record<TrendMath, number>> = { dau: 1, wau: 7, mau: 30 };

export const seriesSchema = z
  .object({
    event: z.string().min(1, 'an event name is required').max(200),
    filters: filtersSchema,
    math: z.enum(MATHS, { error: `expected one of ${MATHS.join(', ')}` }).default('total'),
    mathProperty: propertyName.optional(),
    name: z.string().max(200).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const needsProperty = PROPERTY_MATHS.includes(s.math);
    if (needsProperty && !s.mathProperty) ctx.addIssue({ code: 'custom', path: ['mathProperty'], message: `math ${s.math} needs mathProperty` });
    if (!needsProperty && s.mathProperty) ctx.addIssue({ code: 'custom', path: ['mathProperty'], message: `math ${s.math} takes no mathProperty` });
  });
export type TrendSeries = z.infer<typeof seriesSchema>;

/**
 * `{ kind: 'trends', dateRange, series, interval?, formula?, formulaUnit?, breakdown?,
 * compare?, cumulative?, rollingAverage?, filters? }` — see docs/analyses.md#trends.
 */
export const trendsSchema = z
  .object({
    kind: z.literal('trends'),
    dateRange: dateRangeSchema,
    series: z.array(seriesSchema).min(1, 'at least one series').max(LIMITS.maxSeries, `at most ${LIMITS.maxSeries} series`),
    interval: intervalSchema.default('day'),
    /** Filters applied to every series (ANDed with each series' own). */
    filters: filtersSchema,
    formula: z
      .string()
      .max(500)
      .superRefine((f, ctx) => {
        try {
          parseFormula(f);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
        }
      })
      .optional(),
    /** What the formula yields: a plain number, a ratio (0–1) or a percentage (0–100); ratios and percentages compare in pp. */
    formulaUnit: z.enum(['number', 'ratio', 'percent']).default('number'),
    breakdown: breakdownSchema.optional(),
    compare: compareSchema,
    cumulative: z.boolean().default(false),
    rollingAverage: z.number().int().min(2).max(365).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.formula) {
      const letters = parseFormula(s.formula).letters;
      for (const l of letters) {
        const i = l.charCodeAt(0) - 65;
        if (i >= s.series.length) ctx.addIssue({ code: 'custom', path: ['formula'], message: `formula uses ${l} but there are only ${s.series.length} series` });
      }
    }
    s.series.forEach((series, i) => {
      if (ACTIVE_WINDOW_DAYS[series.math] && s.interval === 'hour') {
        ctx.addIssue({ code: 'custom', path: ['series', i, 'math'], message: `${series.math} needs interval day, week or month` });
      }
      if (s.cumulative && !s.formula && !ADDITIVE_MATHS.includes(series.math)) {
        ctx.addIssue({ code: 'custom', path: ['cumulative'], message: `cumulative needs math total or sum (a running sum of ${series.math} would count persons twice)` });
      }
    });
  });
export type TrendsSpec = z.infer<typeof trendsSchema>;
