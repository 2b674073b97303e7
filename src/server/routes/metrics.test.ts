import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { setup, signIn, type TestSession } from '../../../test/helpers/session.js';
import { buildServer } from '../app.js';
import { createUser } from '../../app/auth/users.js';
import { grantRole } from '../../app/auth/members.js';

let storage: TestStorage;
let app: FastifyInstance;
let owner: TestSession;
let viewer: TestSession;

/** Orders: 3 in June 2025 (revenue 100 each), 5 in July 2025 (revenue 120 each). */
beforeAll(async () => {
  storage = await openTestStorage('chdb');
  app = await buildServer({ config: loadConfig({ flags: {}, env: {} }), engine: storage.engine, meta: storage.meta }, { webDist: false });
  owner = await setup(app, 'owner@example.com', 'owner-pass');
  const shop = await owner.req('POST', '/api/projects', { id: 'shop', name: 'Shop', timeZone: 'UTC' });
  await owner.req('POST', '/api/projects', { id: 'other', name: 'Other' });
  const { user } = await createUser(storage, { email: 'viewer@example.com', password: 'viewer-pass' });
  await grantRole(storage.meta, 'shop', user.id, 'viewer');
  viewer = await signIn(app, 'viewer@example.com', 'viewer-pass');
  const batch = [
    ...[0, 1, 2].map((i) => ({ event: 'order_paid', distinct_id: `june-${i}`, timestamp: `2025-06-1${i}T10:00:00Z`, properties: { revenue: 100 } })),
    ...[0, 1, 2, 3, 4].map((i) => ({ event: 'order_paid', distinct_id: `july-${i}`, timestamp: `2025-07-1${i}T10:00:00Z`, properties: { revenue: 120 } })),
  ];
  const res = await app.inject({ method: 'POST', url: '/batch', payload: { api_key: shop.json().ingestKey, batch } });
  expect(res.statusCode).toBe(200);
});
afterAll(async () => {
  await app?.close();
  await storage?.close();
});

describe('metric values for a period', () => {
  it('GET …/metrics/:key/value gives the value, the formula and, asked, the previous period with its 环比 change', async () => {
    const res = await viewer.req('GET', '/api/projects/shop/metrics/orders/value?period=2025-07&compare=previous_period');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.value).toBe(5);
    expect(body.formula['zh-CN'].length).toBeGreaterThan(0);
    expect(body.formula['en-US'].length).toBeGreaterThan(0);
    expect(body.compare.previous_period).toMatchObject({ span: { fromDate: '2025-06-01', toDate: '2025-06-30' }, value: 3, absolute: 2 });
    expect(body.compare.previous_period.relative).toBeCloseTo(2 / 3);
    // Without compare the answer is unchanged.
    expect((await viewer.req('GET', '/api/projects/shop/metrics/orders/value?period=2025-07')).json().compare).toBeUndefined();
  });

  it('GET …/metric-values evaluates several keys; a metric without data source carries its error, not a failure', async () => {
    const res = await viewer.req('GET', '/api/projects/shop/metric-values?period=2025-07&keys=orders,gmv,aov&compare=previous_period,previous_year', undefined, { 'accept-language': 'zh-CN' });
    expect(res.statusCode).toBe(200);
    const byKey = Object.fromEntries(res.json().values.map((v: { key: string }) => [v.key, v]));
    expect(byKey.orders).toMatchObject({ value: 5, format: 'number', compare: { previous_period: { value: 3 }, previous_year: { value: 0 } } });
    expect(byKey.gmv.value).toBe(600);
    expect(byKey.gmv.compare.previous_period.value).toBe(300);
    expect(byKey.gmv.compare.previous_period.relative).toBeCloseTo(1);
    expect(byKey.aov.value).toBe(120);
    expect(byKey.aov.name['zh-CN']).toBeTruthy();
  });

  it('refuses bad input and unknown projects', async () => {
    expect((await viewer.req('GET', '/api/projects/shop/metric-values?period=2025-07')).json().error.code).toBe('invalid_input');
    expect((await viewer.req('GET', '/api/projects/shop/metric-values?period=2025-07&keys=orders&compare=tomorrow')).json().error.code).toBe('invalid_input');
    expect((await viewer.req('GET', '/api/projects/shop/metric-values?period=July&keys=orders')).json().error.code).toBe('period_invalid');
    expect((await viewer.req('GET', '/api/projects/shop/metric-values?period=2025-07&keys=nope')).statusCode).toBe(404);
    expect((await viewer.req('GET', '/api/projects/other/metric-values?period=2025-07&keys=orders')).statusCode).toBe(404);
  });

  it('lists the dictionary with the report metric list (null when the project has none)', async () => {
    const body = (await viewer.req('GET', '/api/projects/shop/metrics')).json();
    expect(body.reportMetrics).toBeNull();
    expect(body.metrics.some((m: { key: string }) => m.key === 'gmv')).toBe(true);
  });
});

describe('editing the dictionary', () => {
  it('names the invalid field in details.path; viewers cannot write', async () => {
    const metric = { name: { 'zh-CN': '客单量', 'en-US': 'Orders per buyer' }, definition: { kind: 'formula', formula: 'orders / paying_customers' }, unit: 'x', format: 'number', direction: 'higher_is_better', countingUnit: 'orders' };
    expect((await viewer.req('PUT', '/api/projects/shop/metrics/orders_per_buyer', metric)).statusCode).toBe(403);
    const bad = await owner.req('PUT', '/api/projects/shop/metrics/orders_per_buyer', { ...metric, format: 'fraction' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.path).toBe('format');
    const unknown = await owner.req('PUT', '/api/projects/shop/metrics/orders_per_buyer', { ...metric, definition: { kind: 'formula', formula: 'orders / buyers' } });
    expect(unknown.json().error.details.path).toBe('definition.formula');
    const ok = await owner.req('PUT', '/api/projects/shop/metrics/orders_per_buyer', metric);
    expect(ok.statusCode).toBe(200);
    const v = (await viewer.req('GET', '/api/projects/shop/metrics/orders_per_buyer/value?period=2025-07')).json();
    expect(v.value).toBe(1);
    expect((await owner.req('DELETE', '/api/projects/shop/metrics/orders_per_buyer')).statusCode).toBe(204);
  });
});
