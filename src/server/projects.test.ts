import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage, type TestStorage } from '../../test/helpers/storage.js';
import type { AppContext } from '../app/context.js';
import { issueKey } from '../app/projects.js';
import { loadConfig } from '../config/load.js';
import { buildServer } from './app.js';

describe('HTTP: projects, errors, access', () => {
  let s: TestStorage;
  let app: Awaited<ReturnType<typeof buildServer>>;
  const admin = 'fpa_test_admin_token';
  beforeAll(async () => {
    s = await openTestStorage();
    const ctx: AppContext = { config: loadConfig({ env: {} }), engine: s.engine, meta: s.meta };
    app = await buildServer(ctx, { adminToken: admin });
  });
  afterAll(async () => {
    await app?.close();
    await s?.close();
  });

  const asAdmin = { authorization: `Bearer ${admin}` };

  it('creates a project and returns its id and ingest key', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/projects', headers: asAdmin, payload: { id: 'shop', name: 'Shop', timeZone: 'Asia/Shanghai' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ id: 'shop', ingestKey: expect.stringMatching(/^phc_/), project: { weekStart: 'monday', currency: 'CNY' } });
  });

  it('answers invalid input with a code and a message in the caller language', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { ...asAdmin, 'accept-language': 'zh-CN,zh;q=0.9' },
      payload: { name: 'x', weekStart: 'friday' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('输入无效（`weekStart`）') });
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/projects', headers: { ...asAdmin, 'content-type': 'application/json' }, payload: '{"name": ' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_json');
  });

  it('lets a read key see its own project only, and never change it', async () => {
    await app.inject({ method: 'POST', url: '/api/projects', headers: asAdmin, payload: { id: 'other', name: 'Other' } });
    const key = await issueKey(s.meta, 'shop', 'read');
    const asReader = { authorization: `Bearer ${key.key}` };
    expect((await app.inject({ url: '/api/projects/shop', headers: asReader })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/projects/other', headers: asReader })).statusCode).toBe(404);
    expect((await app.inject({ method: 'PATCH', url: '/api/projects/shop', headers: asReader, payload: { name: 'x' } })).statusCode).toBe(403);
    const list = (await app.inject({ url: '/api/projects', headers: asReader })).json();
    expect(list.projects.map((p: { id: string }) => p.id)).toEqual(['shop']);
  });

  it('refuses callers without credentials, and ingest keys on read routes', async () => {
    expect((await app.inject({ url: '/api/projects/shop' })).statusCode).toBe(401);
    const ingest = await issueKey(s.meta, 'shop', 'ingest');
    expect((await app.inject({ url: '/api/projects/shop', headers: { authorization: `Bearer ${ingest.key}` } })).statusCode).toBe(404);
  });

  it('rejects unknown analysis kinds with a clear error', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/projects/shop/query', headers: asAdmin, payload: { kind: 'horoscope' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_input', details: { path: 'kind' } });
  });
});
