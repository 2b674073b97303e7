import type { AppContext } from '../app/context.js';
import type { Lang } from '../core/lang.js';
import type { DataDirLock } from '../storage/lock.js';
import { buildServer } from './app.js';

export interface StartOptions {
  adminToken: string;
  lock?: DataDirLock | undefined;
  lang: Lang;
}

/**
 * Listens on the configured host and port, records the URL in the data directory's lock
 * so other commands find the server, and closes cleanly on SIGINT / SIGTERM (in-flight
 * requests finish; acknowledged events are already written).
 */
export async function startServer(ctx: AppContext, options: StartOptions): Promise<{ url: string; closed: Promise<void> }> {
  const app = await buildServer(ctx, { adminToken: options.adminToken, logger: ctx.config.logLevel !== 'silent' });
  const address = await app.listen({ host: ctx.config.host, port: ctx.config.port });
  const url = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  options.lock?.setServer(url, options.adminToken);
  const closed = new Promise<void>((resolve) => {
    const stop = () => {
      app.close().then(resolve, resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return { url, closed };
}
