/**
 * The public JSON contract of the statistics engine (issue 4, "Input by sufficient
 * statistics"). Field names here are the contract: do not rename them. Arm fields depend on
 * the metric type, so the experiment schema is built per type and every problem names the
 * exact field (`arms.1.sumSquares`).
 */
import { z } from 'zod';

export const metricTypes = ['mean', 'proportion', 'ratio', 'quantile'] as const;
export type MetricType = (typeof metricTypes)[number];

const series = z.object({ sum: z.number(), sumSquares: z.number().min(0) });
const count = z.number().int().min(2, { message: 'n must be at least 2' });

const armBase = {
  name: z.string().min(1),
  weight: z.number().min(0).optional(),
  n: count,
};

const cupedRatioProducts = z.object({
  'mPost*mPre': z.number(),
  'dPost*dPre': z.number(),
  'mPre*dPre': z.number(),
  'mPost*dPost': z.number(),
  'mPost*dPre': z.number(),
  'mPre*dPost': z.number(),
});

type Ctx = z.RefinementCtx;

/** Σx² < (Σx)²/n cannot come from real data: say so on the field, allowing for rounding. */
function checkVariance(ctx: Ctx, s: { sum: number; sumSquares: number } | undefined, n: number, path: string[]): void {
  if (!s) return;
  const centred = s.sumSquares - (s.sum * s.sum) / n;
  if (centred < -1e-9 * Math.max(1, s.sumSquares)) {
    ctx.addIssue({ code: 'custom', path, message: `implies a negative variance (sumSquares < sum²/n)` });
  }
}

function need(ctx: Ctx, value: unknown, path: string, why: string): void {
  if (value === undefined) ctx.addIssue({ code: 'custom', path: [path], message: `Required ${why}` });
}

const meanArm = z
  .object({ ...armBase, sum: z.number(), sumSquares: z.number().min(0), pre: series.optional(), sumProducts: z.number().optional() })
  .superRefine((a, ctx) => {
    checkVariance(ctx, a, a.n, ['sumSquares']);
    checkVariance(ctx, a.pre, a.n, ['pre', 'sumSquares']);
    if (a.pre) need(ctx, a.sumProducts, 'sumProducts', 'for CUPED (Σ post × pre)');
  });

const proportionArm = z
  .object({
    ...armBase,
    successes: z.number().min(0),
    preSuccesses: z.number().min(0).optional(),
    pre: series.optional(),
    sumProducts: z.number().optional(),
  })
  .superRefine((a, ctx) => {
    if (a.successes > a.n) ctx.addIssue({ code: 'custom', path: ['successes'], message: 'cannot exceed n' });
    if (a.preSuccesses !== undefined && a.preSuccesses > a.n) {
      ctx.addIssue({ code: 'custom', path: ['preSuccesses'], message: 'cannot exceed n' });
    }
    checkVariance(ctx, a.pre, a.n, ['pre', 'sumSquares']);
    if (a.pre || a.preSuccesses !== undefined) need(ctx, a.sumProducts, 'sumProducts', 'for CUPED (Σ post × pre)');
  });

const ratioArm = z
  .object({
    ...armBase,
    numerator: series.optional(),
    denominator: series.optional(),
    sumProducts: z.union([z.number(), cupedRatioProducts]).optional(),
    mPost: series.optional(),
    dPost: series.optional(),
    mPre: series.optional(),
    dPre: series.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.mPost || a.dPost || a.mPre || a.dPre) {
      for (const k of ['mPost', 'dPost', 'mPre', 'dPre'] as const) {
        need(ctx, a[k], k, 'for a CUPED ratio metric');
        checkVariance(ctx, a[k], a.n, [k, 'sumSquares']);
      }
      if (typeof a.sumProducts !== 'object') {
        ctx.addIssue({ code: 'custom', path: ['sumProducts'], message: 'Required: an object keyed "mPost*mPre", "dPost*dPre", "mPre*dPre", "mPost*dPost", "mPost*dPre", "mPre*dPost"' });
      }
      return;
    }
    need(ctx, a.numerator, 'numerator', 'for a ratio metric ({ sum, sumSquares })');
    need(ctx, a.denominator, 'denominator', 'for a ratio metric ({ sum, sumSquares })');
    if (typeof a.sumProducts !== 'number') {
      ctx.addIssue({ code: 'custom', path: ['sumProducts'], message: 'Required: Σ numerator × denominator' });
    }
    checkVariance(ctx, a.numerator, a.n, ['numerator', 'sumSquares']);
    checkVariance(ctx, a.denominator, a.n, ['denominator', 'sumSquares']);
  });

const quantileArm = z
  .object({
    ...armBase,
    nStar: z.number().positive(),
    quantile: z.number(),
    lower: z.number(),
    upper: z.number(),
    nu: z.number().gt(0).lt(1),
  })
  .superRefine((a, ctx) => {
    if (!(a.lower <= a.quantile)) ctx.addIssue({ code: 'custom', path: ['lower'], message: 'must not exceed quantile' });
    if (!(a.quantile <= a.upper)) ctx.addIssue({ code: 'custom', path: ['upper'], message: 'must not be below quantile' });
  });

const armSchemas = { mean: meanArm, proportion: proportionArm, ratio: ratioArm, quantile: quantileArm };
export type MeanArm = z.output<typeof meanArm>;
export type ProportionArm = z.output<typeof proportionArm>;
export type RatioArm = z.output<typeof ratioArm>;
export type QuantileArm = z.output<typeof quantileArm>;
export type ArmInput = MeanArm | ProportionArm | RatioArm | QuantileArm;

export const priorSchema = z
  .object({ proper: z.boolean().default(false), mean: z.number().default(0), variance: z.number().positive().default(0.09) })
  .default({ proper: false, mean: 0, variance: 0.09 });

const common = {
  method: z.enum(['frequentist', 'bayesian', 'sequential']).default('frequentist'),
  difference: z.enum(['relative', 'absolute']).default('relative'),
  alpha: z.number().gt(0).lt(1).default(0.05),
  sided: z.enum(['two', 'greater', 'lesser']).default('two'),
  sequentialTuning: z.number().positive().default(5000),
  prior: priorSchema,
  /** Extra: adjust the arms' p-values for multiple comparisons. */
  adjust: z.enum(['holm', 'bh']).optional(),
};

/** The metric part alone: parsed first, so the arms can be checked against its type. */
export const metricHeaderSchema = z.object({
  metric: z.object({ type: z.enum(metricTypes), inverse: z.boolean().default(false) }),
});

/**
 * The experiment input for one metric type.
 * @example parseInput(experimentInputSchema('mean'), body)
 */
export function experimentInputSchema<T extends MetricType>(type: T) {
  const arm = armSchemas[type];
  return z
    .object({
      metric: z.object({ type: z.literal(type), inverse: z.boolean().default(false) }),
      ...common,
      arms: z.array(arm).min(2, { message: 'at least two arms (the first is the control)' }),
      /** Extra: per-stratum arm statistics (same arm order) for post-stratification. */
      strata: z.array(z.object({ name: z.string().optional(), arms: z.array(arm) })).optional(),
    })
    .superRefine((x, ctx) => {
      if (x.method === 'sequential' && x.sided !== 'two' && x.alpha >= 0.5) {
        ctx.addIssue({ code: 'custom', path: ['alpha'], message: 'must be below 0.5 for a one-sided sequential test' });
      }
      x.strata?.forEach((s, i) => {
        if (s.arms.length !== x.arms.length) {
          ctx.addIssue({ code: 'custom', path: ['strata', i, 'arms'], message: `needs ${x.arms.length} arms, in the order of the top-level arms` });
        }
      });
    });
}

export type ExperimentInput = z.output<ReturnType<typeof experimentInputSchema>>;

export const srmInputSchema = z
  .object({ counts: z.array(z.number().min(0)).min(2), weights: z.array(z.number().min(0)).optional() })
  .superRefine((x, ctx) => {
    if (x.weights && x.weights.length !== x.counts.length) {
      ctx.addIssue({ code: 'custom', path: ['weights'], message: 'needs one weight per count' });
    }
  });

export const adjustInputSchema = z.object({
  method: z.enum(['holm', 'bh']),
  pValues: z.array(z.number().min(0).max(1)).min(1),
});

export const powerInputSchema = z.object({
  metric: z.discriminatedUnion('type', [
    z.object({ type: z.literal('mean'), mean: z.number().refine((m) => m !== 0, 'must not be 0 (the lift is relative to it)'), standardDeviation: z.number().positive() }),
    z.object({ type: z.literal('proportion'), conversionRate: z.number().gt(0).lt(1) }),
  ]),
  effectSize: z.number().min(0),
  nTotal: z.number().positive(),
  variations: z.number().int().min(2).default(2),
  alpha: z.number().gt(0).lt(1).default(0.05),
  method: z.enum(['frequentist', 'sequential', 'bayesian']).default('frequentist'),
  sequentialTuning: z.number().positive().default(5000),
  prior: priorSchema,
  targetPower: z.number().gt(0).lt(1).default(0.8),
});

export type SrmInput = z.output<typeof srmInputSchema>;
export type AdjustInput = z.output<typeof adjustInputSchema>;
export type PowerInput = z.output<typeof powerInputSchema>;
