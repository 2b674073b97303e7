import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../../src/config/load.js';
import { buildServer } from '../../src/server/app.js';
import { openStorage, type Storage } from '../../src/storage/open.js';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const SKIP_MESSAGE = `e2e: skipped — headless Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`;
export const ROOT = join(import.meta.dirname, '..', '..');
export const SHOTS = join(import.meta.dirname, 'screenshots');

export interface E2eServer {
  url: string;
  close(): Promise<void>;
}

/** Builds the web app when there is no build yet (the server serves web/dist). */
export function ensureWebBuild(): void {
  if (!existsSync(join(ROOT, 'web', 'dist', 'index.html'))) execSync('npm run build:web', { cwd: ROOT, stdio: 'ignore' });
}

/** A real server on 127.0.0.1 (random port) with a fresh data directory. */
export async function startServer(): Promise<E2eServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fupan-e2e-'));
  const config = loadConfig({ flags: { dataDir, host: '127.0.0.1', port: '0', logLevel: 'silent' }, env: {} });
  const storage: Storage = await openStorage(config);
  const app: FastifyInstance = await buildServer({ config, engine: storage.engine, meta: storage.meta }, { webDist: join(ROOT, 'web', 'dist') });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: address,
    async close() {
      await app.close();
      await storage.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A few days of events for a small shop: visits, sign-ups, orders. */
export function sampleEvents(now = Date.now()): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const channels = ['baidu', 'douyin', 'wechat'];
  for (let p = 0; p < 60; p++) {
    const id = `visitor-${p}`;
    const day = p % 10;
    const t0 = now - (day * 86_400_000 + 3_600_000);
    const channel = channels[p % 3]!;
    out.push({ event: '$pageview', distinct_id: id, timestamp: new Date(t0).toISOString(), properties: { channel, $pathname: '/' } });
    if (p % 2 === 0) out.push({ event: 'sign_up', distinct_id: id, timestamp: new Date(t0 + 60_000).toISOString(), properties: { channel } });
    if (p % 4 === 0) out.push({ event: 'order_paid', distinct_id: id, timestamp: new Date(t0 + 600_000).toISOString(), properties: { channel, revenue: 99 + p } });
  }
  return out;
}
