/**
 * The three small public functions next to analyzeExperiment, each taking the contract's
 * JSON (validated here) and returning plain JSON.
 */
import { parseInput } from '../core/index.js';
import { adjustPValues } from './adjust.js';
import { minimumDetectableEffect, powerAt } from './power.js';
import { adjustInputSchema, powerInputSchema, srmInputSchema } from './schema.js';
import { srmPValue } from './srm.js';

/** @example srm({ counts: [821588, 815482], weights: [0.5, 0.5] }) // { pValue: 1.8e-6 } */
export function srm(raw: unknown): { pValue: number } {
  const input = parseInput(srmInputSchema, raw);
  return { pValue: srmPValue(input.counts, input.weights) };
}

/** @example adjust({ method: 'holm', pValues: [0.04, 0.01, 0.03] }) // { adjusted: [0.06, 0.03, 0.06] } */
export function adjust(raw: unknown): { method: 'holm' | 'bh'; adjusted: number[] } {
  const input = parseInput(adjustInputSchema, raw);
  return { method: input.method, adjusted: adjustPValues(input.method, input.pValues) };
}

/**
 * Power at `effectSize` (relative lift) and the MDE at `targetPower`; per-arm n is
 * nTotal / variations. `mde` is null when no lift up to +100000% reaches the target.
 * @example power({ metric: { type: 'proportion', conversionRate: 0.1 }, effectSize: 0.05, nTotal: 4500, variations: 3 }) // { power: 0.073, mde: 0.368 }
 */
export function power(raw: unknown): { power: number; mde: number | null; nPerArm: number; method: string } {
  const input = parseInput(powerInputSchema, raw);
  const m = input.metric;
  const plan = {
    mean: m.type === 'mean' ? m.mean : m.conversionRate,
    variance: m.type === 'mean' ? m.standardDeviation ** 2 : m.conversionRate * (1 - m.conversionRate),
    nTotal: input.nTotal,
    variations: input.variations,
    alpha: input.alpha,
    method: input.method,
    sequentialTuning: input.sequentialTuning,
    prior: input.prior,
  };
  return {
    power: powerAt(plan, input.effectSize),
    mde: minimumDetectableEffect(plan, input.targetPower),
    nPerArm: input.nTotal / input.variations,
    method: input.method,
  };
}
