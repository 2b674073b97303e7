import { nps } from './nps/index.js';
import type { Analysis } from './shared/context.js';
import { channels } from './channels/index.js';
import { experiment } from './experiment/index.js';
import { funnel } from './funnel/index.js';
import { lifecycle } from './lifecycle/index.js';
import { paths } from './paths/index.js';
import { retention } from './retention/index.js';
import { trends } from './trends/index.js';

/**
 * Every analysis by its `kind`. Each folder exports its `Analysis` and is listed here;
 * the query API and the CLI look analyses up by kind and reject any other.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const ANALYSES: Record<string, Analysis<any, any>> = {
  nps,
  experiment,
  channels,
  lifecycle,
  trends,
  funnel,
  retention,
  paths,
};

export function analysisKinds(): string[] {
  return Object.keys(ANALYSES).sort();
}
