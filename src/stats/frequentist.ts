/**
 * Welch's unequal-variance t-test on an effect (absolute or delta-method relative), two- or
 * one-sided. One-sided "greater" tests H₁: treatment > control; its interval is [lo, +∞).
 */
import { tSf, tUpperQuantile } from './dists.js';
import { type Effect, welchDf } from './effect.js';

export type Sided = 'two' | 'greater' | 'lesser';

/** An interval bound of ±∞ is `null`, which is how JSON carries it. */
export type Interval = [number | null, number | null];

export interface TestResult {
  ci: Interval;
  pValue: number;
  df: number;
}

/**
 * @example tTest(effect, 0.05, 'two') // { ci: [0.0454, 0.5346], pValue: 0.0202, df: 5842 }
 */
export function tTest(e: Effect, alpha: number, sided: Sided): TestResult {
  const df = welchDf(e.controlVariance, e.nControl, e.treatmentVariance, e.nTreatment);
  const t = e.estimate / e.se;
  if (sided === 'two') {
    const w = tUpperQuantile(alpha / 2, df) * e.se;
    return { ci: [e.estimate - w, e.estimate + w], pValue: Math.min(1, 2 * tSf(Math.abs(t), df)), df };
  }
  const w = tUpperQuantile(alpha, df) * e.se;
  if (sided === 'greater') return { ci: [e.estimate - w, null], pValue: tSf(t, df), df };
  return { ci: [null, e.estimate + w], pValue: tSf(-t, df), df };
}
