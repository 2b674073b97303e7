import { powerAt, type PowerPlan } from '../../stats/index.js';
import type { ExperimentDefinition } from './schema.js';

export interface PlannedSize {
  /** Total exposed persons planned (all variants). */
  total: number;
  from: 'definition' | 'power';
  /** For `power`: the relative MDE and the power it was planned for. */
  mde?: number;
  power?: number;
}

/**
 * The planned sample size: the definition's number, or the smallest total n whose power
 * (the engine's planning model, `powerAt`, per-arm n = total / variants) reaches the
 * target at the relative MDE. Null when none is set or none up to 10¹⁰ reaches it.
 *
 * @example plannedSampleSize({ …, sampleSize: { mde: 0.1, power: 0.8, baseline: { conversionRate: 0.5 } } })
 */
export function plannedSampleSize(def: ExperimentDefinition): PlannedSize | null {
  const s = def.sampleSize;
  if (s === null) return null;
  if (typeof s === 'number') return { total: s, from: 'definition' };
  const b = s.baseline;
  const plan = (nTotal: number): PowerPlan => ({
    mean: 'conversionRate' in b ? b.conversionRate : b.mean,
    variance: 'conversionRate' in b ? b.conversionRate * (1 - b.conversionRate) : b.standardDeviation ** 2,
    nTotal,
    variations: def.variants.length,
    alpha: def.alpha,
    method: def.method,
    sequentialTuning: def.sequentialTuning,
    ...(def.prior ? { prior: def.prior } : {}),
  });
  const reaches = (n: number) => powerAt(plan(n), s.mde) >= s.power;
  let hi = 4 * def.variants.length;
  while (!reaches(hi)) {
    hi *= 2;
    if (hi > 1e10) return null;
  }
  let lo = hi / 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (reaches(mid)) hi = mid;
    else lo = mid;
  }
  return { total: hi, from: 'power', mde: s.mde, power: s.power };
}
