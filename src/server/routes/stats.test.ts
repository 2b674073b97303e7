import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../errors.js';
import { statsRoutes } from './stats.js';

describe('HTTP: /api/stats/*', () => {
  const app = Fastify();
  beforeAll(async () => {
    app.setErrorHandler(errorHandler);
    // Stand-in for the server's caller resolution: a bearer header means a signed-in caller.
    app.addHook('onRequest', async (req) => {
      if (req.headers.authorization) req.principal = { kind: 'admin' };
    });
    await statsRoutes(app);
  });
  afterAll(() => app.close());
  const headers = { authorization: 'Bearer x' };

  it('analyzes an experiment from summary statistics', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/stats/experiment',
      headers,
      payload: {
        metric: { type: 'mean' },
        arms: [
          { name: 'control', weight: 0.5, n: 3407, sum: 1396.87, sumSquares: 52377.9767 },
          { name: 'treatment', weight: 0.5, n: 3461, sum: 2422.7, sumSquares: 134698.29 },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.arms[0]).toMatchObject({ name: 'treatment', lift: expect.closeTo(0.70732, 5), pValue: expect.closeTo(0.06191, 5), chanceToWin: null });
    expect(body.srm.pValue).toBeCloseTo(0.5147, 3);
  });

  it('srm, adjust and power', async () => {
    const s = await app.inject({ method: 'POST', url: '/api/stats/srm', headers, payload: { counts: [260, 240] } });
    expect(s.json().pValue).toBeCloseTo(0.37109, 5);
    const a = await app.inject({ method: 'POST', url: '/api/stats/adjust', headers, payload: { method: 'holm', pValues: [0.04, 0.01, 0.03] } });
    expect(a.json().adjusted).toEqual([expect.closeTo(0.06, 12), expect.closeTo(0.03, 12), expect.closeTo(0.06, 12)]);
    const p = await app.inject({
      method: 'POST',
      url: '/api/stats/power',
      headers,
      payload: { metric: { type: 'proportion', conversionRate: 0.1 }, effectSize: 0.05, nTotal: 4500, variations: 3 },
    });
    expect(p.json().power).toBeCloseTo(0.073, 5);
  });

  it('answers invalid input with 400 naming the field, in the caller language', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/stats/experiment',
      headers: { ...headers, 'accept-language': 'zh-CN' },
      payload: { metric: { type: 'mean' }, arms: [{ name: 'a', n: 1, sum: 1, sumSquares: 1 }, { name: 'b', n: 5, sum: 1, sumSquares: 1 }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_input', details: { path: 'arms.0.n' } });
    expect(res.json().error.message).toContain('arms.0.n');
  });

  it('requires a caller', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/stats/srm', payload: { counts: [1, 2] } });
    expect(res.statusCode).toBe(401);
  });
});
