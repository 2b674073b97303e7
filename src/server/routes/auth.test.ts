import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { setup, signIn } from '../../../test/helpers/session.js';
import { buildServer } from '../app.js';
import { createUser } from '../../app/auth/users.js';
import { hashPassword, verifyPassword } from '../../app/auth/passwords.js';

let storage: TestStorage;
let app: FastifyInstance;

beforeAll(async () => {
  storage = await openTestStorage('chdb');
  const config = loadConfig({ flags: {}, env: {} });
  app = await buildServer({ config, engine: storage.engine, meta: storage.meta }, { webDist: false });
});
afterAll(async () => {
  await app?.close();
  await storage?.close();
});

describe('passwords', () => {
  it('hashes with a per-user salt and verifies', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).not.toBe(b);
    expect(a.startsWith('scrypt$16384$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct hors', a)).toBe(false);
  });
});

describe('first-run setup and sessions', () => {
  it('asks for setup until the owner exists, then refuses a second owner', async () => {
    expect((await app.inject({ url: '/api/setup' })).json()).toEqual({ needsSetup: true });
    const owner = await setup(app, 'Owner@Example.com', 'owner-pass-1');
    expect((await app.inject({ url: '/api/setup' })).json()).toEqual({ needsSetup: false });
    const again = await app.inject({ method: 'POST', url: '/api/setup', payload: { email: 'x@example.com', password: 'another-pass' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('setup_done');
    const me = await owner.req('GET', '/api/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().user).toMatchObject({ email: 'owner@example.com', isAdmin: true });
  });

  it('sets HttpOnly SameSite=Lax session cookie and a readable CSRF cookie', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: 'owner@example.com', password: 'owner-pass-1' } });
    expect(res.statusCode).toBe(200);
    const cookies = res.cookies as { name: string; httpOnly?: boolean; sameSite?: string; value: string }[];
    const session = cookies.find((c) => c.name === 'fupan_session')!;
    const csrf = cookies.find((c) => c.name === 'fupan_csrf')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Lax');
    expect(csrf.httpOnly).toBeFalsy();
    expect(csrf.value).toBe(res.json().csrfToken);
    // Only the hash of the session id is stored.
    const rows = await storage.meta.query<{ id_hash: string }>(`SELECT id_hash FROM sessions`);
    expect(rows.some((r) => r.id_hash === session.value)).toBe(false);
  });

  it('refuses a wrong password and an unknown email with the same error', async () => {
    const wrong = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: 'owner@example.com', password: 'nope-nope' } });
    const unknown = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: 'who@example.com', password: 'nope-nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('invalid_credentials');
    expect(unknown.json().error.code).toBe('invalid_credentials');
    expect(wrong.cookies).toHaveLength(0);
  });

  it('refuses state-changing requests without the CSRF token', async () => {
    const s = await signIn(app, 'owner@example.com', 'owner-pass-1');
    const noHeader = await app.inject({ method: 'POST', url: '/api/projects', headers: { cookie: s.cookie }, payload: { name: 'X' } });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().error.code).toBe('csrf_failed');
    const wrongHeader = await s.req('POST', '/api/projects', { name: 'X' }, { 'x-csrf-token': 'forged' });
    expect(wrongHeader.json().error.code).toBe('csrf_failed');
    // Reads need no token; with the token the write goes through.
    expect((await app.inject({ url: '/api/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    const ok = await s.req('POST', '/api/projects', { id: 'csrfok', name: 'OK' });
    expect(ok.statusCode).toBe(201);
  });

  it('refuses an expired session and deletes it', async () => {
    const s = await signIn(app, 'owner@example.com', 'owner-pass-1');
    await storage.meta.query(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, [s.userId]);
    const res = await s.req('GET', '/api/me');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('session_expired');
    const hash = createHash('sha256').update(s.cookie.split(';')[0]!.split('=')[1]!).digest('hex');
    expect(await storage.meta.query(`SELECT 1 FROM sessions WHERE id_hash = $1`, [hash])).toHaveLength(0);
    expect((await s.req('GET', '/api/projects')).statusCode).toBe(401);
  });

  it('signs out, and changes the password (old one stops working, other sessions end)', async () => {
    const a = await signIn(app, 'owner@example.com', 'owner-pass-1');
    const b = await signIn(app, 'owner@example.com', 'owner-pass-1');
    const bad = await a.req('POST', '/api/me/password', { currentPassword: 'wrong-one', newPassword: 'owner-pass-2' });
    expect(bad.json().error.code).toBe('invalid_credentials');
    const short = await a.req('POST', '/api/me/password', { currentPassword: 'owner-pass-1', newPassword: 'short' });
    expect(short.json().error).toMatchObject({ code: 'invalid_input', details: { path: 'newPassword' } });
    expect((await a.req('POST', '/api/me/password', { currentPassword: 'owner-pass-1', newPassword: 'owner-pass-2' })).statusCode).toBe(204);
    expect((await a.req('GET', '/api/me')).statusCode).toBe(200);
    expect((await b.req('GET', '/api/me')).statusCode).toBe(401);
    await expect(signIn(app, 'owner@example.com', 'owner-pass-1')).rejects.toThrow(/401/);
    const c = await signIn(app, 'owner@example.com', 'owner-pass-2');
    expect((await c.req('POST', '/api/auth/sign-out')).statusCode).toBe(204);
    expect((await c.req('GET', '/api/me')).statusCode).toBe(401);
  });

  it('updates the language preference', async () => {
    const s = await signIn(app, 'owner@example.com', 'owner-pass-2');
    const res = await s.req('PATCH', '/api/me', { lang: 'zh-CN', name: '林' });
    expect(res.json().user).toMatchObject({ lang: 'zh-CN', name: '林' });
    expect((await s.req('PATCH', '/api/me', { lang: 'fr-FR' })).statusCode).toBe(400);
  });

  it('the CLI user command makes only the first user administrator', async () => {
    const { first, user } = await createUser(storage, { email: 'second@example.com', password: 'second-pass' });
    expect(first).toBe(false);
    expect(user.isAdmin).toBe(false);
  });
});
