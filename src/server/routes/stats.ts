import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { adjust, analyzeExperiment, power, srm } from '../../stats/index.js';
import { requirePrincipal } from '../auth.js';

/**
 * The statistics engine over HTTP: pure computations on summary statistics, so any
 * signed-in caller or key may use them. Bodies and answers are the JSON contract in
 * docs/stats.md; invalid input is a 400 naming the field.
 * - POST /api/stats/experiment → { control, arms: [{ name, lift, ci, se, pValue, chanceToWin, risk, … }], srm }
 * - POST /api/stats/srm        → { pValue }
 * - POST /api/stats/adjust     → { adjusted }
 * - POST /api/stats/power      → { power, mde }
 */
export async function statsRoutes(app: FastifyInstance, _ctx?: AppContext): Promise<void> {
  const routes: Array<[string, (body: unknown) => unknown]> = [
    ['/api/stats/experiment', analyzeExperiment],
    ['/api/stats/srm', srm],
    ['/api/stats/adjust', adjust],
    ['/api/stats/power', power],
  ];
  for (const [url, compute] of routes) {
    app.post(url, async (req) => {
      requirePrincipal(req);
      return compute(req.body ?? {});
    });
  }
}
