import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { FupanError } from '../core/errors/index.js';
import { pickLang } from '../core/lang.js';

/** The web app's build: `web/dist` at the package root (two levels up from src/server and dist/server). */
export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Paths that never fall back to the web app: APIs answer their own 404 in JSON. */
const API_PREFIXES = ['/api/', '/health', '/batch', '/capture', '/e/', '/i/', '/decide', '/track', '/engage', '/s/'];

/**
 * Serves the web app from its build, when the build exists: hashed assets with a long
 * cache, `/sdk.js` (the browser SDK, built beside the app), and the SPA fallback — any
 * other GET that accepts HTML gets `index.html`, so deep links like /p/shop/funnels work.
 * Without a build, `/` explains how to make one and API routes are unaffected.
 */
export async function webRoutes(app: FastifyInstance, dist: string | false = DEFAULT_WEB_DIST): Promise<void> {
  const built = dist !== false && existsSync(join(dist, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: dist,
      wildcard: false,
      index: false,
      // /sdk.js has its own route below (CORS and cache headers for third-party pages).
      globIgnore: ['sdk.js'],
      setHeaders(reply, path) {
        reply.header('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }

  app.get('/sdk.js', async (req, reply) => {
    if (!built || !existsSync(join(dist as string, 'sdk.js'))) {
      return reply.status(404).type('application/javascript').send('/* fupan: the browser SDK is not built; run `npm run build:web` */\n');
    }
    reply.header('Access-Control-Allow-Origin', '*').header('Cache-Control', 'public, max-age=3600');
    return reply.type('application/javascript; charset=utf-8').sendFile('sdk.js');
  });

  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    const wantsPage = req.method === 'GET' && !API_PREFIXES.some((p) => path.startsWith(p)) && !/\.[a-z0-9]+$/i.test(path);
    if (wantsPage && built) return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').sendFile('index.html');
    if (wantsPage && path === '/') {
      return reply
        .type('text/plain; charset=utf-8')
        .send('fupan is running. The web app is not built in this checkout: run `npm run build:web`, then restart `fupan serve`.\n');
    }
    const err = new FupanError('not_found', { what: 'route', id: `${req.method} ${path}` });
    return reply.status(404).send({ error: err.toJSON(pickLang(req.headers['accept-language'])) });
  });
}
