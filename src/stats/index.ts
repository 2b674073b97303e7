/**
 * fupan's experiment statistics engine: pure functions, no I/O. See docs/stats.md for the
 * JSON contract and the methods with their references.
 */
export { analyzeExperiment, type ArmResult, type ExperimentResult } from './analyze.js';
export { srm, adjust, power } from './api.js';
export {
  experimentInputSchema,
  metricHeaderSchema,
  srmInputSchema,
  adjustInputSchema,
  powerInputSchema,
  type ExperimentInput,
  type SrmInput,
  type AdjustInput,
  type PowerInput,
} from './schema.js';
export { srmPValue } from './srm.js';
export { holm, bh, adjustPValues, adjustedInterval } from './adjust.js';
export { powerAt, minimumDetectableEffect, type PowerPlan } from './power.js';
export { quantileRanks } from './quantile.js';
export type { ArmStats } from './moments.js';
