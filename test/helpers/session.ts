import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** A signed-in browser for `app.inject()`: keeps the session cookie and sends the CSRF header. */
export interface TestSession {
  cookie: string;
  csrf: string;
  userId: string;
  req(method: string, url: string, payload?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export function cookiesOf(res: LightMyRequestResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of res.cookies as { name: string; value: string }[]) out[c.name] = c.value;
  return out;
}

function wrap(app: FastifyInstance, res: LightMyRequestResponse): TestSession {
  const cookies = cookiesOf(res);
  const body = res.json() as { user: { id: string }; csrfToken: string };
  const cookie = `fupan_session=${cookies.fupan_session}; fupan_csrf=${cookies.fupan_csrf}`;
  return {
    cookie,
    csrf: body.csrfToken,
    userId: body.user.id,
    req: (method, url, payload, headers = {}) =>
      app.inject({
        method: method as 'GET',
        url,
        headers: { cookie, 'x-csrf-token': body.csrfToken, ...headers },
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
  };
}

export async function signIn(app: FastifyInstance, email: string, password: string): Promise<TestSession> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  return wrap(app, res);
}

export async function setup(app: FastifyInstance, email: string, password: string): Promise<TestSession> {
  const res = await app.inject({ method: 'POST', url: '/api/setup', payload: { email, password, name: 'Owner' } });
  if (res.statusCode !== 201) throw new Error(`setup failed: ${res.statusCode} ${res.body}`);
  return wrap(app, res);
}
