import type { Config } from '../config/schema.js';
import type { Engine } from '../storage/engine.js';
import type { MetaStore } from '../storage/metadata/store.js';

/**
 * What every use case needs: the parsed configuration and the two stores. Entry points
 * (CLI, server, tests) build it; library code receives it and never reads process.env.
 */
export interface AppContext {
  config: Config;
  engine: Engine;
  meta: MetaStore;
}
