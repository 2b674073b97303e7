import { FupanError, type ErrorCode } from '../core/errors/index.js';
import type { Lang } from '../core/lang.js';
import { readLock } from '../storage/lock.js';

/**
 * A client for the fupan server that holds a data directory. When `fupan serve` runs on a
 * directory, chDB cannot be opened by a second process, so commands that have an HTTP
 * equivalent go through the server with the admin token it left in the (mode 0600) lock
 * file.
 */
export interface ServerClient {
  url: string;
  request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export function serverFor(dataDir: string, lang: Lang): ServerClient | undefined {
  const lock = readLock(dataDir);
  if (!lock?.url || !lock.token) return undefined;
  const { url, token } = lock;
  return {
    url,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(new URL(path, url), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'accept-language': lang,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const data = (await res.json().catch(() => ({}))) as { error?: { code: ErrorCode; details?: Record<string, unknown> } };
      if (!res.ok) {
        const err = data.error;
        throw new FupanError(err?.code ?? 'internal', err?.details ?? { id: `HTTP ${res.status}` });
      }
      return data as T;
    },
  };
}
