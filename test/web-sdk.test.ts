import { describe, expect, it } from 'vitest';
import { createClient, type SdkEnv } from '../web/sdk/client.js';

function fakeEnv(statuses: (number | 'network')[]) {
  const sent: { url: string; body: { api_key: string; batch: { event: string; distinct_id: string; properties: Record<string, unknown> }[]; sent_at: string } }[] = [];
  const beacons: string[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const store = new Map<string, string>();
  let n = 0;
  const env: SdkEnv = {
    async fetch(url, init) {
      const status = statuses.shift() ?? 200;
      if (status === 'network') throw new TypeError('Failed to fetch');
      sent.push({ url, body: JSON.parse(init.body) });
      return { status };
    },
    sendBeacon: (_url, body) => (beacons.push(body), true),
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) },
    setTimeout: (fn, ms) => timers.push({ fn, ms }),
    clearTimeout: () => undefined,
    now: () => Date.parse('2025-07-01T00:00:00Z'),
    uuid: () => `u${++n}`,
    context: () => ({ $pathname: '/pricing' }),
  };
  return { env, sent, beacons, timers, store };
}

describe('browser SDK', () => {
  it('batches events to POST /batch with api_key, batch and sent_at', async () => {
    const f = fakeEnv([]);
    const c = createClient('phc_test', { apiHost: 'https://fp.example.com/', batchSize: 3 }, f.env);
    c.pageview();
    c.capture('signup_click', { plan: 'pro' });
    expect(f.sent).toHaveLength(0);
    c.capture('third');
    await Promise.resolve();
    await Promise.resolve();
    expect(f.sent).toHaveLength(1);
    expect(f.sent[0]!.url).toBe('https://fp.example.com/batch');
    const body = f.sent[0]!.body;
    expect(body.api_key).toBe('phc_test');
    expect(body.sent_at).toBe('2025-07-01T00:00:00.000Z');
    expect(body.batch.map((e) => e.event)).toEqual(['$pageview', 'signup_click', 'third']);
    expect(body.batch[1]!.properties).toMatchObject({ plan: 'pro', $pathname: '/pricing', $lib: 'fupan-web' });
    expect(c.queued).toBe(0);
  });

  it('identify sends $identify with the anonymous id and switches the distinct id', async () => {
    const f = fakeEnv([]);
    const c = createClient('k', { apiHost: 'h', batchSize: 1 }, f.env);
    const anon = c.distinctId;
    c.identify('user-42', { email: 'a@b.c' });
    await c.flush();
    const e = f.sent[0]!.body.batch[0]!;
    expect(e).toMatchObject({ event: '$identify', distinct_id: 'user-42', properties: { $anon_distinct_id: anon, $set: { email: 'a@b.c' } } });
    expect(f.store.get('fupan_distinct_id')).toBe('user-42');
  });

  it('retries with backoff on network errors and 5xx, drops on 400, keeps the queue across page loads', async () => {
    const f = fakeEnv(['network', 503, 200]);
    const c = createClient('k', { apiHost: 'h', batchSize: 100 }, f.env);
    c.capture('a');
    await c.flush();
    expect(c.queued).toBe(1);
    // The queue survives a reload (localStorage).
    expect(createClient('k', { apiHost: 'h' }, f.env).queued).toBe(1);
    const delays = f.timers.map((t) => t.ms);
    expect(delays).toContain(1000);
    await c.flush();
    expect(c.queued).toBe(1);
    await c.flush();
    expect(c.queued).toBe(0);
    expect(f.sent.filter((s) => s.body.batch[0]?.event === 'a').length).toBe(2);
    const g = fakeEnv([400]);
    const d = createClient('k', { apiHost: 'h', batchSize: 100 }, g.env);
    d.capture('bad');
    await d.flush();
    expect(d.queued).toBe(0);
  });

  it('hands the queue to sendBeacon on unload', () => {
    const f = fakeEnv([]);
    const c = createClient('k', { apiHost: 'https://h' }, f.env);
    c.capture('leaving');
    c.unload();
    expect(f.beacons).toHaveLength(1);
    expect(JSON.parse(f.beacons[0]!).batch[0].event).toBe('leaving');
    expect(c.queued).toBe(0);
  });
});
