import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { setup } from '../../../test/helpers/session.js';
import { createUser } from '../../app/auth/users.js';
import { buildServer } from '../app.js';

let storage: TestStorage;
let app: FastifyInstance;
let limited: FastifyInstance;
let clock = Date.parse('2025-07-14T10:00:00Z');

beforeAll(async () => {
  storage = await openTestStorage('chdb');
  const config = loadConfig({ flags: {}, env: {} });
  app = await buildServer({ config, engine: storage.engine, meta: storage.meta }, { webDist: false });
  limited = await buildServer({ config, engine: storage.engine, meta: storage.meta }, { webDist: false, signInLimit: { max: 3, windowMs: 60_000, now: () => clock } });
  await setup(app, 'owner@example.com', 'owner-pass-1');
  await createUser(storage, { email: 'lin@example.com', password: 'lin-pass-12' });
});
afterAll(async () => {
  await app?.close();
  await limited?.close();
  await storage?.close();
});

const signIn = (server: FastifyInstance, email: string, password: string, ip = '10.0.0.1', lang = 'en-US') =>
  server.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email, password }, remoteAddress: ip, headers: { 'accept-language': lang } });

describe('failed sign-in limit', () => {
  it('refuses the 11th attempt on an email within 15 minutes by default, even with the right password, in both languages', async () => {
    for (let i = 0; i < 10; i++) expect((await signIn(app, 'owner@example.com', 'wrong-pass', `10.1.0.${i}`)).json().error.code).toBe('invalid_credentials');
    const res = await signIn(app, 'Owner@Example.com', 'owner-pass-1', '10.1.1.1');
    expect(res.statusCode).toBe(429);
    expect(res.json().error.code).toBe('too_many_sign_ins');
    expect(res.json().error.message).toMatch(/try again in 15 min/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(800);
    const zh = await signIn(app, 'owner@example.com', 'owner-pass-1', '10.1.1.1', 'zh-CN');
    expect(zh.json().error.message).toContain('登录失败次数过多');
    // Another account is not affected.
    expect((await signIn(app, 'lin@example.com', 'lin-pass-12', '10.1.1.1')).statusCode).toBe(200);
  });

  it('limits one address guessing many emails, and the window slides', async () => {
    for (const e of ['a@x.com', 'b@x.com', 'c@x.com']) expect((await signIn(limited, e, 'nope-nope', '10.9.9.9')).statusCode).toBe(401);
    expect((await signIn(limited, 'lin@example.com', 'lin-pass-12', '10.9.9.9')).json().error.code).toBe('too_many_sign_ins');
    expect((await signIn(limited, 'lin@example.com', 'lin-pass-12', '10.9.9.8')).statusCode).toBe(200);
    clock += 61_000;
    expect((await signIn(limited, 'lin@example.com', 'lin-pass-12', '10.9.9.9')).statusCode).toBe(200);
  });

  it('a successful sign-in clears the email’s failures', async () => {
    for (let i = 0; i < 2; i++) await signIn(limited, 'lin@example.com', 'wrong-pass', `10.2.0.${i}`);
    expect((await signIn(limited, 'lin@example.com', 'lin-pass-12', '10.2.0.9')).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) expect((await signIn(limited, 'lin@example.com', 'wrong-pass', `10.2.1.${i}`)).statusCode).toBe(401);
    expect((await signIn(limited, 'lin@example.com', 'lin-pass-12', '10.2.0.9')).statusCode).toBe(200);
  });
});
