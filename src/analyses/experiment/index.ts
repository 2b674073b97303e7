import type { Analysis } from '../shared/context.js';
import { runExperiment, type ExperimentResults } from './run.js';
import { type ExperimentSpec, experimentSpecSchema } from './schema.js';

export { experimentDefinitionSchema, experimentSpecSchema, type ExperimentDefinition, type ExperimentDefinitionInput, type ExperimentMetric, type ExperimentSpec } from './schema.js';
export { runExperiment, experimentWindow, type ExperimentResults, type MetricResult, type VariantMetric } from './run.js';
export { plannedSampleSize } from './plan.js';
export type { Decision, DecisionResult, Rule } from './decide.js';

/**
 * `{ kind: 'experiment', definition }`: experiment results for an inline definition (the
 * stored ones go through `src/app/experiments.ts`, which loads the definition by key).
 * See docs/experiments.md.
 */
export const experiment: Analysis<ExperimentSpec, ExperimentResults> = {
  kind: 'experiment',
  schema: experimentSpecSchema,
  run: (spec, ctx, engine) => runExperiment(spec.definition, ctx, engine),
};
