import type { ExperimentDefinitionInput } from '../analyses/experiment/index.js';
import { EVENTS, PROPS } from '../core/events.js';
import { EXPERIMENT, FUNNEL } from '../demo/story.js';
import type { DemoStep } from './demo.js';
import { createExperiment } from './experiments.js';

/**
 * The definition of the demo's planted A/B test `one_click_match` (src/demo/story.ts,
 * EXPERIMENT): exposure on the first video-chat session inside the four weeks, goal
 * robot_call in the same session (1 h window; planted +6 pp per session × the 0.92
 * anchor-wall step ≈ +5.5 pp), calls per person as a second goal, paid revenue per person
 * as a guardrail, CUPED on the 14 days before exposure. Absolute differences, so the
 * result reads in percentage points like the story.
 */
export function demoExperimentDefinition(facts: { start: string; end: string }): ExperimentDefinitionInput {
  const baseline = FUNNEL.videoChat.robotCall * FUNNEL.videoChat.anchorWallReturning;
  return {
    key: EXPERIMENT.key,
    name: '一键速配 One-click match',
    hypothesis: '一键速配让回访用户更快发起机器人呼叫 / One-click match gets returning users to a robot call faster.',
    variants: EXPERIMENT.variants.map((key, i) => ({ key, weight: EXPERIMENT.weights[i]! })),
    exposure: { event: EVENTS.experimentExposure, variantProperty: PROPS.variant, experimentProperty: PROPS.experiment },
    start: facts.start,
    end: facts.end,
    metrics: [
      { key: 'robot_call_1h', name: 'robot_call within 1 h of exposure', type: 'conversion', event: EXPERIMENT.goalEvent, windowHours: 1 },
      { key: 'robot_calls', name: 'robot_calls per person', type: 'mean', event: EXPERIMENT.goalEvent, math: 'count' },
    ],
    guardrails: [{ key: 'revenue', name: 'paid revenue per person', type: 'mean', event: EVENTS.orderPaid, math: 'sum', property: PROPS.revenue }],
    cuped: { preDays: EXPERIMENT.prePeriodDays },
    // Planned: 80 % power to detect a 10 % relative lift on the baseline same-session rate.
    sampleSize: { mde: 0.1, power: 0.8, baseline: { conversionRate: baseline } },
    method: 'frequentist',
    difference: 'absolute',
    alpha: 0.05,
    status: 'stopped',
  };
}

/** Demo step: store the planted experiment's definition (replacing an earlier run's). */
export const demoExperimentStep: DemoStep = {
  name: 'experiment',
  async run({ ctx, project, facts }) {
    await createExperiment(ctx, project.id, null, demoExperimentDefinition(facts.experiment), true);
  },
};
