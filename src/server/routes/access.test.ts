import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { cookiesOf, setup, type TestSession } from '../../../test/helpers/session.js';
import { buildServer } from '../app.js';

let storage: TestStorage;
let app: FastifyInstance;
let owner: TestSession;
let viewer: TestSession;
let editor: TestSession;

/** Accepts an invitation as a new account and returns that account's session. */
async function join(token: string, email: string): Promise<TestSession> {
  const res = await app.inject({ method: 'POST', url: `/api/invitations/${token}/accept`, payload: { email, password: 'member-pass', name: email } });
  expect(res.statusCode).toBe(200);
  const c = cookiesOf(res);
  const cookie = `fupan_session=${c.fupan_session}; fupan_csrf=${c.fupan_csrf}`;
  const csrf = res.json().csrfToken as string;
  return {
    cookie,
    csrf,
    userId: res.json().user.id,
    req: (method, url, payload, headers = {}) =>
      app.inject({ method: method as 'GET', url, headers: { cookie, 'x-csrf-token': csrf, ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) }),
  };
}

beforeAll(async () => {
  storage = await openTestStorage('chdb');
  app = await buildServer({ config: loadConfig({ flags: {}, env: {} }), engine: storage.engine, meta: storage.meta }, { webDist: false });
  owner = await setup(app, 'owner@example.com', 'owner-pass');
  expect((await owner.req('POST', '/api/projects', { id: 'alpha', name: 'Alpha' })).statusCode).toBe(201);
  expect((await owner.req('POST', '/api/projects', { id: 'beta', name: 'Beta' })).statusCode).toBe(201);
  const v = await owner.req('POST', '/api/projects/alpha/invitations', { role: 'viewer' });
  expect(v.statusCode).toBe(201);
  viewer = await join(v.json().token, 'viewer@example.com');
  const e = await owner.req('POST', '/api/projects/alpha/invitations', { role: 'editor', email: 'editor@example.com' });
  editor = await join(e.json().token, 'editor@example.com');
});
afterAll(async () => {
  await app?.close();
  await storage?.close();
});

describe('roles', () => {
  it('a viewer reads but cannot change anything', async () => {
    expect((await viewer.req('GET', '/api/projects/alpha')).statusCode).toBe(200);
    expect((await viewer.req('GET', '/api/projects/alpha/members')).statusCode).toBe(200);
    const attempts: [string, string, unknown][] = [
      ['PATCH', '/api/projects/alpha', { name: 'Hacked' }],
      ['POST', '/api/projects/alpha/keys', { kind: 'ingest' }],
      ['POST', '/api/projects/alpha/invitations', { role: 'owner' }],
      ['PATCH', `/api/projects/alpha/members/${viewer.userId}`, { role: 'owner' }],
      ['DELETE', `/api/projects/alpha/members/${editor.userId}`, undefined],
      ['GET', '/api/projects/alpha/invitations', undefined],
    ];
    for (const [method, url, body] of attempts) {
      const res = await viewer.req(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    expect((await owner.req('GET', '/api/projects/alpha')).json().name).toBe('Alpha');
    const keys = (await owner.req('GET', '/api/projects/alpha/keys')).json().keys;
    expect(keys.filter((k: { kind: string }) => k.kind === 'ingest')).toHaveLength(1);
  });

  it('an editor creates ingest keys but cannot manage members or settings', async () => {
    expect((await editor.req('POST', '/api/projects/alpha/keys', { kind: 'ingest', label: 'web' })).statusCode).toBe(201);
    expect((await editor.req('PATCH', '/api/projects/alpha', { currency: 'USD' })).statusCode).toBe(403);
    expect((await editor.req('PATCH', `/api/projects/alpha/members/${viewer.userId}`, { role: 'editor' })).statusCode).toBe(403);
  });

  it('a member of one project sees nothing of another (404, not 403)', async () => {
    const list = (await viewer.req('GET', '/api/projects')).json().projects.map((p: { id: string }) => p.id);
    expect(list).toEqual(['alpha']);
    for (const [method, url, body] of [
      ['GET', '/api/projects/beta', undefined],
      ['GET', '/api/projects/beta/members', undefined],
      ['GET', '/api/projects/beta/keys', undefined],
      ['PATCH', '/api/projects/beta', { name: 'x' }],
      ['POST', '/api/projects/beta/keys', { kind: 'read' }],
      ['GET', '/api/projects/nonexistent', undefined],
    ] as [string, string, unknown][]) {
      const res = await editor.req(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    const me = (await editor.req('GET', '/api/me')).json();
    expect(me.projects.map((p: { id: string; role: string }) => [p.id, p.role])).toEqual([['alpha', 'editor']]);
  });

  it('personal read keys read their project only, and die when the member leaves', async () => {
    const created = await viewer.req('POST', '/api/projects/alpha/keys', { kind: 'read', label: 'notebook' });
    expect(created.statusCode).toBe(201);
    const auth = { authorization: `Bearer ${created.json().key}` };
    expect((await app.inject({ url: '/api/projects/alpha', headers: auth })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/projects/beta', headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ method: 'PATCH', url: '/api/projects/alpha', headers: auth, payload: { name: 'x' } })).statusCode).toBe(403);
    // The editor does not see the viewer's personal key; the owner does.
    const editorKeys = (await editor.req('GET', '/api/projects/alpha/keys')).json().keys;
    expect(editorKeys.some((k: { kind: string }) => k.kind === 'read')).toBe(false);
    const ownerKeys = (await owner.req('GET', '/api/projects/alpha/keys')).json().keys;
    expect(ownerKeys.some((k: { kind: string; userEmail: string }) => k.kind === 'read' && k.userEmail === 'viewer@example.com')).toBe(true);
    expect((await owner.req('DELETE', `/api/projects/alpha/members/${viewer.userId}`)).statusCode).toBe(204);
    expect((await app.inject({ url: '/api/projects/alpha', headers: auth })).statusCode).toBe(401);
    expect((await viewer.req('GET', '/api/projects/alpha')).statusCode).toBe(404);
  });
});

describe('members and invitations', () => {
  it('keeps at least one owner', async () => {
    const res = await owner.req('PATCH', `/api/projects/alpha/members/${owner.userId}`, { role: 'viewer' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('last_owner');
    expect((await owner.req('PATCH', `/api/projects/alpha/members/${editor.userId}`, { role: 'owner' })).statusCode).toBe(200);
    expect((await owner.req('PATCH', `/api/projects/alpha/members/${owner.userId}`, { role: 'editor' })).statusCode).toBe(200);
    expect((await editor.req('PATCH', `/api/projects/alpha/members/${owner.userId}`, { role: 'owner' })).statusCode).toBe(200);
  });

  it('an invitation works once, only for its email, and not after expiry', async () => {
    const inv = (await owner.req('POST', '/api/projects/beta/invitations', { role: 'viewer', email: 'late@example.com' })).json();
    const info = await app.inject({ url: `/api/invitations/${inv.token}` });
    expect(info.json()).toMatchObject({ projectName: 'Beta', role: 'viewer', email: 'late@example.com' });
    const wrongEmail = await editor.req('POST', `/api/invitations/${inv.token}/accept`);
    expect(wrongEmail.json().error.code).toBe('invitation_invalid');
    await storage.meta.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [inv.id]);
    const expired = await app.inject({ method: 'POST', url: `/api/invitations/${inv.token}/accept`, payload: { password: 'late-pass-1' } });
    expect(expired.statusCode).toBe(410);
    const again = (await owner.req('POST', '/api/projects/beta/invitations', { role: 'editor' })).json();
    expect((await editor.req('POST', `/api/invitations/${again.token}/accept`)).statusCode).toBe(200);
    expect((await editor.req('POST', `/api/invitations/${again.token}/accept`)).json().error.code).toBe('invitation_invalid');
    expect((await editor.req('GET', '/api/projects/beta')).statusCode).toBe(200);
  });
});
