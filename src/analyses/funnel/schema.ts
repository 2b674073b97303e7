import { z } from 'zod';
import { dateRangeSchema } from '../shared/date-range.js';
import { filtersSchema } from '../shared/filters.js';
import { LIMITS } from '../shared/limits.js';
import { propertyName } from '../shared/properties.js';

export const WINDOW_UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month'] as const;
export type WindowUnit = (typeof WINDOW_UNITS)[number];

/** The longest conversion window, in days: a longer one reads most of the table per person. */
export const MAX_WINDOW_DAYS = 366;
const UNIT_DAYS: Record<WindowUnit, number> = { second: 1 / 86400, minute: 1 / 1440, hour: 1 / 24, day: 1, week: 7, month: 31 };

const eventName = z.string().min(1, 'an event name is required').max(200, 'event names are at most 200 characters');

export const funnelStepSchema = z.object({ event: eventName, filters: filtersSchema }).strict();

export const exclusionSchema = z
  .object({
    event: eventName,
    filters: filtersSchema,
    fromStep: z.number().int().min(0),
    toStep: z.number().int().min(1),
  })
  .strict()
  .refine((x) => x.toStep > x.fromStep, { message: 'toStep must be after fromStep', path: ['toStep'] });

export const funnelBreakdownSchema = z
  .object({
    property: propertyName,
    type: z.enum(['event', 'person']).default('event'),
    attribution: z.enum(['first_touch', 'last_touch', 'all_events', 'step']).default('first_touch'),
    step: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(LIMITS.maxBreakdownValues, `at most ${LIMITS.maxBreakdownValues} breakdown values`).default(10),
  })
  .strict()
  .refine((b) => (b.attribution === 'step') === (b.step !== undefined), {
    message: 'step is required with attribution "step" and only allowed with it',
    path: ['step'],
  });

/**
 * The funnel spec (public contract, see docs/analyses.md#funnel). Steps are numbered from 0
 * in `exclusions`, `breakdown.step`, `timeToConvert` and `persons`.
 */
export const funnelSpecSchema = z
  .object({
    kind: z.literal('funnel'),
    dateRange: dateRangeSchema,
    steps: z
      .array(funnelStepSchema)
      .min(2, 'a funnel needs at least 2 steps')
      .max(LIMITS.maxFunnelSteps, `at most ${LIMITS.maxFunnelSteps} steps`),
    order: z.enum(['ordered', 'strict', 'unordered']).default('ordered'),
    window: z
      .object({ value: z.number().int().min(1), unit: z.enum(WINDOW_UNITS) })
      .strict()
      .refine((w) => w.value * UNIT_DAYS[w.unit] <= MAX_WINDOW_DAYS, { message: `the window is at most ${MAX_WINDOW_DAYS} days` })
      .default({ value: 14, unit: 'day' }),
    exclusions: z.array(exclusionSchema).max(10, 'at most 10 exclusions').default([]),
    breakdown: funnelBreakdownSchema.optional(),
    countBy: z.literal('persons').default('persons'),
    /** Histogram of the time from `fromStep` to `toStep` (default: first to last step). */
    timeToConvert: z
      .object({ fromStep: z.number().int().min(0).optional(), toStep: z.number().int().min(1).optional(), bins: z.number().int().min(1).max(100).default(20) })
      .strict()
      .optional(),
    /** Conversion (first → last step) by the period in which persons entered. */
    trend: z.object({ interval: z.enum(['day', 'week', 'month']) }).strict().optional(),
    /** List persons who reached `step` and went no further (`dropped`) or who reached it (`reached`). */
    persons: z
      .object({ step: z.number().int().min(0), status: z.enum(['dropped', 'reached']).default('dropped'), limit: z.number().int().min(1).max(10_000).default(100) })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const n = s.steps.length;
    const bad = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    s.exclusions.forEach((x, i) => {
      if (x.toStep >= n) bad(['exclusions', i, 'toStep'], `there are only steps 0–${n - 1}`);
    });
    if (s.breakdown?.step !== undefined && s.breakdown.step >= n) bad(['breakdown', 'step'], `there are only steps 0–${n - 1}`);
    if (s.persons && s.persons.step >= n) bad(['persons', 'step'], `there are only steps 0–${n - 1}`);
    const t = s.timeToConvert;
    if (t && (t.toStep ?? n - 1) >= n) bad(['timeToConvert', 'toStep'], `there are only steps 0–${n - 1}`);
    if (t && (t.fromStep ?? 0) >= (t.toStep ?? n - 1)) bad(['timeToConvert', 'fromStep'], 'fromStep must be before toStep');
  });

export type FunnelSpec = z.infer<typeof funnelSpecSchema>;
export type FunnelStep = z.infer<typeof funnelStepSchema>;
export type FunnelBreakdown = z.infer<typeof funnelBreakdownSchema>;
