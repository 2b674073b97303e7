import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

beforeAll(async () => {
  storage = await openTestStorage('chdb');
  app = await buildServer({ config: loadConfig({ flags: {}, env: {} }), engine: storage.engine, meta: storage.meta }, { webDist: false });
  owner = await setup(app, 'owner@example.com', 'owner-pass');
  const shop = await owner.req('POST', '/api/projects', { id: 'shop', name: 'Shop' });
  await owner.req('POST', '/api/projects', { id: 'other', name: 'Other' });
  const { user } = await createUser(storage, { email: 'viewer@example.com', password: 'viewer-pass' });
  await grantRole(storage.meta, 'shop', user.id, 'viewer');
  viewer = await signIn(app, 'viewer@example.com', 'viewer-pass');
  const now = Date.now();
  const batch = [0, 1, 2].flatMap((i) => [
    { event: '$pageview', distinct_id: `v${i}`, timestamp: new Date(now - i * 3_600_000).toISOString(), properties: { channel: 'baidu' } },
    { event: 'sign_up', distinct_id: `v${i}`, timestamp: new Date(now - i * 3_600_000 + 1000).toISOString(), properties: { plan: 'pro' } },
  ]);
  const res = await app.inject({ method: 'POST', url: '/batch', payload: { api_key: shop.json().ingestKey, batch } });
  expect(res.statusCode).toBe(200);
});
afterAll(async () => {
  await app?.close();
  await storage?.close();
});

describe('schema endpoints', () => {
  it('offers the project’s event names and property keys', async () => {
    const events = (await viewer.req('GET', '/api/projects/shop/schema/events')).json().events;
    expect(events.map((e: { event: string; count: number }) => [e.event, e.count]).sort()).toEqual([['$pageview', 3], ['sign_up', 3]]);
    const props = (await viewer.req('GET', '/api/projects/shop/schema/properties?event=sign_up')).json().properties;
    expect(props.map((p: { property: string }) => p.property)).toContain('plan');
    expect(props.map((p: { property: string }) => p.property)).not.toContain('channel');
    expect((await viewer.req('GET', '/api/projects/other/schema/events')).statusCode).toBe(404);
  });
});

describe('insights (saved to the dashboard)', () => {
  const spec = { kind: 'funnel', dateRange: 'last_7_days', steps: [{ event: '$pageview' }, { event: 'sign_up' }], order: 'ordered', window: { value: 1, unit: 'day' } };

  it('editors save and pin; viewers read but cannot change', async () => {
    const created = await owner.req('POST', '/api/projects/shop/insights', { name: 'Visit → sign-up', spec });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const list = (await viewer.req('GET', '/api/projects/shop/insights?pinned=true')).json().insights;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: 'Visit → sign-up', spec, pinned: true });
    expect((await viewer.req('POST', '/api/projects/shop/insights', { name: 'x', spec })).statusCode).toBe(403);
    expect((await viewer.req('PATCH', `/api/projects/shop/insights/${id}`, { pinned: false })).statusCode).toBe(403);
    expect((await owner.req('PATCH', `/api/projects/shop/insights/${id}`, { pinned: false })).json().pinned).toBe(false);
    expect((await viewer.req('GET', '/api/projects/shop/insights?pinned=true')).json().insights).toHaveLength(0);
    expect((await owner.req('DELETE', `/api/projects/shop/insights/${id}`)).statusCode).toBe(204);
  });

  it('keeps projects apart and validates input', async () => {
    expect((await viewer.req('GET', '/api/projects/other/insights')).statusCode).toBe(404);
    const bad = await owner.req('POST', '/api/projects/shop/insights', { name: '', spec });
    expect(bad.json().error).toMatchObject({ code: 'invalid_input', details: { path: 'name' } });
    const created = await owner.req('POST', '/api/projects/other/insights', { name: 'Other', spec });
    expect((await owner.req('DELETE', `/api/projects/shop/insights/${created.json().id}`)).statusCode).toBe(404);
  });
});

describe('web app serving', () => {
  it('answers unknown API routes with a JSON 404, not the app', async () => {
    const res = await app.inject({ url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'not_found', details: { what: 'route' } });
    expect((await app.inject({ url: '/sdk.js' })).statusCode).toBe(404);
  });

  it('serves the build: SPA fallback for pages, /sdk.js, hashed assets', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'fupan-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dist, 'sdk.js'), '(function(){})();');
    writeFileSync(join(dist, 'assets', 'app-abc.js'), 'console.log(1)');
    const web = await buildServer({ config: loadConfig({ flags: {}, env: {} }), engine: storage.engine, meta: storage.meta }, { webDist: dist });
    try {
      const page = await web.inject({ url: '/p/shop/funnels', headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('id="root"');
      const sdk = await web.inject({ url: '/sdk.js' });
      expect(sdk.statusCode).toBe(200);
      expect(sdk.headers['content-type']).toMatch(/javascript/);
      expect(sdk.headers['access-control-allow-origin']).toBe('*');
      const asset = await web.inject({ url: '/assets/app-abc.js' });
      expect(asset.headers['cache-control']).toContain('immutable');
      expect((await web.inject({ url: '/api/nope' })).json().error.code).toBe('not_found');
      expect((await web.inject({ url: '/assets/missing.js' })).statusCode).toBe(404);
    } finally {
      await web.close();
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
