import { quantileRanks } from '../../stats/index.js';
import type { ExperimentDefinition, ExperimentMetric } from './schema.js';

/**
 * Rows of the experiment queries → the statistics engine's arms (docs/stats.md, "Arms").
 * Pure; variants in definition order (the first is the control), absent variants n = 0.
 */

export type MetricRow = { variant: string; n: number } & Record<string, number | string>;

const num = (r: MetricRow | undefined, k: string): number => Number(r?.[k] ?? 0);
const series = (r: MetricRow | undefined, c: string) => ({ sum: num(r, `s_${c}`), sumSquares: num(r, `q_${c}_${c}`) });

/**
 * One arm per variant for a conversion (proportion), mean or ratio metric, with the CUPED
 * fields when the definition has a pre-period.
 *
 * @example armsFromRows(def, { type: 'conversion', … }, [{ variant: 'control', n: 3, s_y: 1, q_y_y: 1 }, …])
 */
export function armsFromRows(def: ExperimentDefinition, m: ExperimentMetric, rows: readonly MetricRow[]): Record<string, unknown>[] {
  const byVariant = new Map(rows.map((r) => [r.variant, r]));
  const cuped = def.cuped !== null;
  return def.variants.map((v) => {
    const r = byVariant.get(v.key);
    const base = { name: v.key, weight: v.weight, n: num(r, 'n') };
    if (m.type === 'conversion') {
      return { ...base, successes: num(r, 's_y'), ...(cuped ? { preSuccesses: num(r, 's_yp'), sumProducts: num(r, 'q_y_yp') } : {}) };
    }
    if (m.type === 'mean') {
      return { ...base, ...series(r, 'y'), ...(cuped ? { pre: series(r, 'yp'), sumProducts: num(r, 'q_y_yp') } : {}) };
    }
    if (m.type === 'ratio' && !cuped) {
      return { ...base, numerator: series(r, 'y'), denominator: series(r, 'd'), sumProducts: num(r, 'q_y_d') };
    }
    return {
      ...base,
      mPost: series(r, 'y'),
      dPost: series(r, 'd'),
      mPre: series(r, 'yp'),
      dPre: series(r, 'dp'),
      sumProducts: {
        'mPost*mPre': num(r, 'q_y_yp'),
        'dPost*dPre': num(r, 'q_d_dp'),
        'mPre*dPre': num(r, 'q_yp_dp'),
        'mPost*dPost': num(r, 'q_y_d'),
        'mPost*dPre': num(r, 'q_y_dp'),
        'mPre*dPost': num(r, 'q_d_yp'),
      },
    };
  });
}

export interface QuantileCount {
  variant: string;
  n: number;
  nStar: number;
}

/** The 95% order-statistic ranks per variant with at least two values (the engine assumes 95%). */
export function quantileRankPlan(m: Extract<ExperimentMetric, { type: 'quantile' }>, counts: readonly QuantileCount[]) {
  return counts
    .filter((c) => Number(c.nStar) >= 2)
    .map((c) => ({ variant: c.variant, nStar: Number(c.nStar), ...quantileRanks(Number(c.nStar), m.quantile, 0.05) }));
}

/** Quantile arms from the counts and the `[quantile, lower, upper]` value triples, in rank-plan order. */
export function quantileArms(
  def: ExperimentDefinition,
  m: Extract<ExperimentMetric, { type: 'quantile' }>,
  counts: readonly QuantileCount[],
  plan: ReturnType<typeof quantileRankPlan>,
  values: readonly (readonly number[])[],
): Record<string, unknown>[] {
  return def.variants.map((v) => {
    const c = counts.find((x) => x.variant === v.key);
    const i = plan.findIndex((x) => x.variant === v.key);
    const [q, lo, hi] = i >= 0 ? (values[i] ?? [0, 0, 0]) : [0, 0, 0];
    return { name: v.key, weight: v.weight, n: Number(c?.n ?? 0), nStar: Math.max(1, Number(c?.nStar ?? 0)), quantile: q, lower: lo, upper: hi, nu: m.quantile };
  });
}

/** The engine's metric type for an experiment metric. */
export function engineType(m: ExperimentMetric): 'proportion' | 'mean' | 'ratio' | 'quantile' {
  return m.type === 'conversion' ? 'proportion' : m.type;
}
