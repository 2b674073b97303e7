import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import type { AppContext } from '../../app/context.js';
import { createProject, issueKey } from '../../app/projects.js';
import { loadConfig } from '../../config/load.js';
import { compile, p, sql } from '../../sql/index.js';
import { buildServer } from '../app.js';

const U = (n: number) => `0190b000-0000-7000-8000-${String(n).padStart(12, '0')}`;

describe('capture API over HTTP (real chDB, app.inject)', () => {
  let s: TestStorage;
  let app: Awaited<ReturnType<typeof buildServer>>;
  let small: Awaited<ReturnType<typeof buildServer>>;
  let key: string;
  let readKey: string;
  const count = async (where = sql``) => {
    const [r] = await s.engine.query<{ n: number }>(compile(sql`SELECT count() AS n FROM events WHERE project_id = 'cap' ${where}`));
    return r!.n;
  };
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload) });

  beforeAll(async () => {
    s = await openTestStorage();
    const config = loadConfig({ env: {} });
    const ctx: AppContext = { config, engine: s.engine, meta: s.meta };
    ({ ingestKey: key } = await createProject(ctx, { id: 'cap', name: 'Capture' }));
    readKey = (await issueKey(s.meta, 'cap', 'read')).key;
    app = await buildServer(ctx, { webDist: false });
    small = await buildServer({ ...ctx, config: { ...config, maxBodyBytes: 4096 } }, { webDist: false });
  });
  afterAll(async () => {
    await app?.close();
    await small?.close();
    await s?.close();
  });

  it('accepts a single event on /capture and a posthog-node batch on /batch/', async () => {
    const one = await post('/capture/', { api_key: key, event: 'signup', distinct_id: 'u1', uuid: U(1), properties: { channel: 'seo' } });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({ status: 1, accepted: 1, duplicates: 0, clamped: 0, rejected: [] });
    const batch = await post('/batch/', { api_key: key, sent_at: new Date().toISOString(), batch: [{ event: 'a', distinct_id: 'u1', uuid: U(2), timestamp: new Date().toISOString() }, { event: 'b', distinct_id: 'u1', uuid: U(3) }] });
    expect(batch.json()).toMatchObject({ accepted: 2 });
    expect(await count()).toBe(3);
  });

  it('deduplicates a retried batch', async () => {
    const body = { api_key: key, batch: [{ event: 'r', distinct_id: 'u2', uuid: U(10) }, { event: 'r', distinct_id: 'u2', uuid: U(11) }] };
    expect((await post('/batch', body)).json()).toMatchObject({ accepted: 2, duplicates: 0 });
    expect((await post('/batch', body)).json()).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(await count(sql`AND event = 'r'`)).toBe(2);
  });

  it('reads gzip: Content-Encoding (posthog-node) and ?compression=gzip-js as text/plain (posthog-js)', async () => {
    const node = gzipSync(JSON.stringify({ api_key: key, batch: [{ event: 'gz1', distinct_id: 'u3', uuid: U(20) }] }));
    const r1 = await post('/batch/', node, { 'content-encoding': 'gzip' });
    expect(r1.json()).toMatchObject({ accepted: 1 });
    // posthog-js: an array of events, the key in each event's properties.token, distinct_id in properties.
    const js = gzipSync(JSON.stringify([{ event: 'gz2', uuid: U(21), properties: { token: key, distinct_id: 'u3', $current_url: 'https://x.cn' }, $set: { plan: 'pro' } }]));
    const r2 = await post(`/e/?compression=gzip-js&ip=1&_=${Date.now()}&ver=1.200.0`, js, { 'content-type': 'text/plain' });
    expect(r2.json()).toMatchObject({ accepted: 1 });
    const [row] = await s.engine.query<{ p: string }>(compile(sql`SELECT properties AS p FROM events WHERE event = 'gz2'`));
    const props = JSON.parse(row!.p);
    expect(props.token).toBeUndefined();
    expect(props.$set).toEqual({ plan: 'pro' });
  });

  it('reads the base64 form posthog-js sends (data=…) and the /i/v0/e and /engage paths', async () => {
    const b64 = Buffer.from(JSON.stringify({ event: 'b64', uuid: U(30), properties: { token: key, distinct_id: 'u4' } })).toString('base64');
    const r = await post('/i/v0/e/?compression=base64', `data=${encodeURIComponent(b64)}`, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.json()).toMatchObject({ accepted: 1 });
    const e = await post('/engage/', { $token: key, $distinct_id: 'u4', $set: { email: 'u4@x.cn' } });
    expect(e.json()).toMatchObject({ accepted: 1 });
    expect(await count(sql`AND event = '$set' AND distinct_id = 'u4'`)).toBe(1);
  });

  it('stores events with lone UTF-16 surrogates (replaced by U+FFFD) instead of failing the insert', async () => {
    const body = `{"api_key":"${key}","batch":[{"event":"sur\\ud800","distinct_id":"d\\udfff","uuid":"${U(40)}","properties":{"k\\ud800":"v\\udc00"}},{"event":"sur-ok","distinct_id":"d"}]}`;
    const r = await post('/batch', body);
    expect(r.json()).toMatchObject({ accepted: 2 });
    const [row] = await s.engine.query<{ e: string; p: string }>(compile(sql`SELECT event AS e, properties AS p FROM events WHERE uuid = ${p.uuid(U(40))}`));
    expect(row).toEqual({ e: 'sur\ufffd', p: '{"k\ufffd":"v\ufffd"}' });
  });

  it('takes the key from Authorization: Bearer', async () => {
    const r = await post('/batch', { batch: [{ event: 'bearer', distinct_id: 'u5' }] }, { authorization: `Bearer ${key}` });
    expect(r.json()).toMatchObject({ accepted: 1 });
  });

  it('answers 401 for a missing, unknown or read key', async () => {
    const missing = await post('/batch', { batch: [{ event: 'x', distinct_id: 'u' }] });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.code).toBe('ingest_key_missing');
    const unknown = await post('/batch', { api_key: 'phc_nope', batch: [{ event: 'x', distinct_id: 'u' }] });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([401, 'ingest_key_invalid']);
    const read = await post('/batch', { api_key: readKey, batch: [{ event: 'x', distinct_id: 'u' }] });
    expect([read.statusCode, read.json().error.code]).toEqual([401, 'ingest_key_wrong_kind']);
  });

  it('answers 400 for malformed JSON and for no events', async () => {
    const bad = await post('/batch', '{"api_key": "x", "batch": [');
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'invalid_json']);
    const empty = await post('/batch', { api_key: key, batch: [] });
    expect([empty.statusCode, empty.json().error.code]).toEqual([400, 'ingest_empty']);
  });

  it('answers 413 for an oversized body and for a gzip bomb', async () => {
    const big = { api_key: key, batch: Array.from({ length: 100 }, (_, i) => ({ event: 'big', distinct_id: `u${i}`, properties: { pad: 'x'.repeat(100) } })) };
    const r = await small.inject({ method: 'POST', url: '/batch', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(big) });
    expect([r.statusCode, r.json().error.code]).toEqual([413, 'payload_too_large']);
    const bomb = gzipSync(Buffer.alloc(1_000_000, 32));
    const b = await small.inject({ method: 'POST', url: '/batch', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: bomb });
    expect([b.statusCode, b.json().error.code]).toEqual([413, 'payload_too_large']);
  });

  it('keeps the valid events of a mixed batch and explains each rejected one in the caller language', async () => {
    const body = { api_key: key, batch: [{ event: 'mixed', distinct_id: 'm' }, { distinct_id: 'm' }, { event: 'mixed', distinct_id: 'm', uuid: 'x' }] };
    const zh = await post('/batch', body, { 'accept-language': 'zh-CN,zh;q=0.9' });
    expect(zh.statusCode).toBe(200);
    expect(zh.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1, code: 'event_invalid_name' }, { index: 2, code: 'event_invalid_uuid' }] });
    expect(zh.json().rejected[0].message).toContain('字符');
    const en = await post('/batch', body);
    expect(en.json().rejected[1].message).toContain('not a UUID');
  });

  it('strict mode (?strict=1) rejects the whole batch and writes nothing', async () => {
    const body = { api_key: key, batch: [{ event: 'strict', distinct_id: 's' }, { event: '', distinct_id: 's' }] };
    const r = await post('/batch?strict=1', body);
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'ingest_batch_rejected', details: { count: 1, total: 2, rejected: [{ index: 1, code: 'event_invalid_name' }] } });
    expect(await count(sql`AND event = 'strict'`)).toBe(0);
  });

  it('answers CORS preflights and sets the allow-origin header for browsers', async () => {
    const pre = await app.inject({ method: 'OPTIONS', url: '/e/', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(pre.headers['access-control-allow-methods']).toContain('POST');
    const r = await post('/e/', [{ event: 'cors', properties: { token: key, distinct_id: 'c' } }], { origin: 'https://shop.example' });
    expect(r.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(r.headers['access-control-allow-credentials']).toBe('true');
  });

  it('never answers 500 to anything a client can send', async () => {
    const bodies: (string | Buffer)[] = [
      '', ' ', 'null', 'true', '0', '"str"', '[]', '{}', '[null]', '[1,2,3]', '{"batch":null}', '{"batch":{}}', '{"batch":"x"}',
      `{"api_key":"${key}"}`, `{"api_key":"${key}","batch":[null,1,"x",[],{}]}`, `{"api_key":${JSON.stringify(key)},"batch":[{"event":{"a":1},"distinct_id":[1]}]}`,
      `{"api_key":"${key}","event":"x","distinct_id":"d","timestamp":{"$date":1}}`, `{"api_key":"${key}","event":"x","distinct_id":"d","timestamp":"9999999-01-01"}`,
      `{"api_key":"${key}","event":"x","distinct_id":"d","timestamp":1e308}`, `{"api_key":"${key}","event":"x","distinct_id":"d","offset":-5}`,
      `{"api_key":"${key}","event":"x","distinct_id":"d","sent_at":"garbage","timestamp":"2026-01-01T00:00:00Z"}`,
      `{"api_key":"${key}","event":"x","distinct_id":"d","properties":{"$set":5}}`, `{"api_key":"${key}","event":"$identify","distinct_id":"d","properties":{"$anon_distinct_id":{"x":1}}}`,
      `{"api_key":"${key}","event":"$create_alias","distinct_id":"d","properties":{"alias":""}}`, `{"api_key":"${key}","event":"x","distinct_id":1e400}`,
      `{"api_key":"${key}","event":"${'x'.repeat(500)}","distinct_id":"d"}`, `{"api_key":"${key}","event":"x","distinct_id":"d","uuid":123}`,
      `{"api_key":["x"],"batch":[]}`, `{"api_key":"${'k'.repeat(5000)}","batch":[]}`, `{"__proto__":{"x":1},"api_key":"${key}","event":"x","distinct_id":"d"}`,
      `{"api_key":"${key}","event":"x","distinct_id":"d","properties":{"constructor":{"prototype":1}}}`, 'data=%%%', 'data=', 'data=bm90IGpzb24=',
      Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]), Buffer.from([0xff, 0xfe, 0xfd]), '\u0000\u0001', '{"a":"\\ud800"}',
    ];
    const variants = [
      { url: '/batch', headers: { 'content-type': 'application/json' } },
      { url: '/e/?compression=gzip-js', headers: { 'content-type': 'text/plain' } },
      { url: '/i/v0/e/?compression=base64', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { url: '/capture', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } },
      { url: '/track', headers: {} as Record<string, string> },
    ];
    const statuses = new Set<number>();
    for (const body of bodies) {
      for (const v of variants) {
        const r = await app.inject({ method: 'POST', url: v.url, headers: v.headers, payload: body });
        statuses.add(r.statusCode);
        if (r.statusCode >= 500) throw new Error(`500 for ${v.url} ${JSON.stringify(String(body).slice(0, 80))}: ${r.body}`);
        expect(r.json()).toBeTypeOf('object');
      }
    }
    expect([...statuses].every((x) => x === 200 || (x >= 400 && x < 500))).toBe(true);
  });
});
