import { z } from 'zod';
import { EVENTS, PROPS } from '../../core/events.js';
import { filtersSchema } from '../shared/filters.js';
import { propertyName } from '../shared/properties.js';

/**
 * An experiment definition as stored in the metadata store (migration 0300) and accepted
 * inline by the `experiment` analysis kind. See docs/experiments.md.
 */

const key = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'letters, digits, _ . - (up to 100, starting with a letter or digit)');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const eventName = z.string().min(1, 'an event name is required').max(200);

/** What is added up per person: the number of events, or the sum of a numeric property. */
const measure = z
  .object({
    event: eventName,
    math: z.enum(['count', 'sum']).default('count'),
    property: propertyName.optional(),
    filters: filtersSchema,
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.math === 'sum' && !m.property) ctx.addIssue({ code: 'custom', path: ['property'], message: 'math "sum" needs a numeric property' });
  });
export type Measure = z.output<typeof measure>;

const common = {
  /** Stable id of the metric inside the experiment (defaults to its position). */
  key: key.optional(),
  name: z.string().max(200).optional(),
  /** Lower is better (latency, refunds): flips chance to win, risk and the decision. */
  inverse: z.boolean().default(false),
  /** Count only events in [first exposure, first exposure + window); none: until the experiment end. */
  windowHours: z.number().positive().max(24 * 366).optional(),
};

export const experimentMetricSchema = z.discriminatedUnion('type', [
  /** Share of exposed persons who did `event` within the window after their first exposure. */
  z.object({ type: z.literal('conversion'), ...common, event: eventName, filters: filtersSchema, windowHours: common.windowHours.default(72) }).strict(),
  /** Mean per exposed person of a count or a property sum (persons without events count 0). */
  z.object({ type: z.literal('mean'), ...common, event: eventName, math: z.enum(['count', 'sum']).default('count'), property: propertyName.optional(), filters: filtersSchema })
    .strict(),
  /** Σ numerator / Σ denominator over exposed persons (e.g. revenue per order). */
  z.object({ type: z.literal('ratio'), ...common, numerator: measure, denominator: measure }).strict(),
  /** A quantile (e.g. 0.9 = P90) of a numeric property over the events of exposed persons. */
  z.object({ type: z.literal('quantile'), ...common, event: eventName, property: propertyName, quantile: z.number().gt(0).lt(1), filters: filtersSchema }).strict(),
]);
export type ExperimentMetric = z.output<typeof experimentMetricSchema>;

const baseline = z.union([
  z.object({ conversionRate: z.number().gt(0).lt(1) }).strict(),
  z.object({ mean: z.number().refine((m) => m !== 0, 'must not be 0'), standardDeviation: z.number().positive() }).strict(),
]);

export const EXPERIMENT_STATUSES = ['draft', 'running', 'stopped', 'shipped', 'archived'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

export const experimentDefinitionSchema = z
  .object({
    key,
    name: z.string().trim().max(200).optional(),
    hypothesis: z.string().max(5000).default(''),
    /** The first variant is the control. Weights are the planned traffic shares (SRM check). */
    variants: z
      .array(z.object({ key: z.string().min(1).max(100), name: z.string().max(200).optional(), weight: z.number().min(0).default(1) }).strict())
      .min(2, 'at least two variants (the first is the control)')
      .max(20),
    exposure: z
      .object({
        event: eventName.default(EVENTS.experimentExposure),
        /** The event property that carries the variant key. */
        variantProperty: propertyName.default(PROPS.variant),
        /** The property that must equal the experiment key; null when the event is dedicated to this experiment. */
        experimentProperty: propertyName.nullable().default(PROPS.experiment),
      })
      .strict()
      .default({ event: EVENTS.experimentExposure, variantProperty: PROPS.variant, experimentProperty: PROPS.experiment }),
    /** Calendar dates in the project time zone, both included; no end: running (until now). */
    start: date,
    end: date.nullable().default(null),
    metrics: z.array(experimentMetricSchema).min(1, 'at least one goal metric').max(20),
    guardrails: z.array(experimentMetricSchema).max(20).default([]),
    /** CUPED: each metric's value over the `preDays` days before a person's first exposure is the covariate. */
    cuped: z.object({ preDays: z.number().int().min(1).max(180) }).strict().nullable().default(null),
    /** Planned total exposed persons, or how to compute it with `power` (relative MDE on a baseline). */
    sampleSize: z
      .union([
        z.number().int().min(4),
        z.object({ mde: z.number().gt(0), power: z.number().gt(0).lt(1).default(0.8), baseline }).strict(),
      ])
      .nullable()
      .default(null),
    method: z.enum(['frequentist', 'bayesian', 'sequential']).default('frequentist'),
    difference: z.enum(['relative', 'absolute']).default('relative'),
    alpha: z.number().gt(0).lt(0.5).default(0.05),
    /** Multiple-testing adjustment across goal metrics (frequentist and sequential). */
    adjust: z.enum(['holm', 'bh', 'none']).default('holm'),
    sequentialTuning: z.number().positive().default(5000),
    prior: z.object({ proper: z.boolean().default(false), mean: z.number().default(0), variance: z.number().positive().default(0.09) }).strict().optional(),
    status: z.enum(EXPERIMENT_STATUSES).default('draft'),
  })
  .strict()
  .superRefine((x, ctx) => {
    const keys = x.variants.map((v) => v.key);
    keys.forEach((k, i) => {
      if (keys.indexOf(k) !== i) ctx.addIssue({ code: 'custom', path: ['variants', i, 'key'], message: `duplicate variant ${k}` });
    });
    if (x.variants.filter((v) => v.weight > 0).length < 2) ctx.addIssue({ code: 'custom', path: ['variants'], message: 'at least two variants need a weight above 0' });
    if (x.end !== null && x.end < x.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must not be before start' });
    [...x.metrics, ...x.guardrails].forEach((m, i) => {
      if (m.type === 'mean' && m.math === 'sum' && !m.property) {
        const at = i < x.metrics.length ? ['metrics', i] : ['guardrails', i - x.metrics.length];
        ctx.addIssue({ code: 'custom', path: [...at, 'property'], message: 'math "sum" needs a numeric property' });
      }
    });
    const names = [...x.metrics, ...x.guardrails].map((m, i) => metricKey(m, i, x.metrics.length));
    names.forEach((k, i) => {
      if (names.indexOf(k) !== i) ctx.addIssue({ code: 'custom', path: ['metrics'], message: `duplicate metric key ${k}` });
    });
  });

export type ExperimentDefinition = z.output<typeof experimentDefinitionSchema>;
export type ExperimentDefinitionInput = z.input<typeof experimentDefinitionSchema>;

/** A metric's key: its own, or `goal_<i>` / `guardrail_<i>` by position. */
export function metricKey(m: ExperimentMetric, index: number, goals: number): string {
  if (m.key) return m.key;
  return index < goals ? `goal_${index + 1}` : `guardrail_${index - goals + 1}`;
}

/** `{ kind: 'experiment', definition }`: the analysis kind, with an inline definition. */
export const experimentSpecSchema = z
  .object({ kind: z.literal('experiment'), definition: experimentDefinitionSchema })
  .strict();
export type ExperimentSpec = z.output<typeof experimentSpecSchema>;
