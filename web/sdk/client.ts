/**
 * The fupan browser SDK's core, free of browser globals so it can be tested in Node:
 * pageviews, custom events, identify, a queue flushed in batches to the capture API
 * (`POST /batch` with `{ api_key, batch, sent_at }`), retry with backoff, and a
 * `sendBeacon` flush when the page goes away.
 */

export interface SdkEnv {
  fetch(url: string, init: { method: string; headers: Record<string, string>; body: string; keepalive?: boolean }): Promise<{ status: number }>;
  sendBeacon?(url: string, body: string): boolean;
  storage?: { getItem(k: string): string | null; setItem(k: string, v: string): void; removeItem(k: string): void };
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
  uuid(): string;
  /** Properties describing the page and device, added to every event. */
  context(): Record<string, unknown>;
}

export interface SdkOptions {
  apiHost: string;
  /** Flush when this many events wait (default 20). */
  batchSize?: number;
  /** Flush at most this long after an event (default 2000 ms). */
  flushIntervalMs?: number;
  /** Attempts per batch before it is dropped (default 6; backoff 1 s, 2 s, 4 s …, at most 30 s). */
  maxAttempts?: number;
}

export interface CapturedEvent {
  event: string;
  distinct_id: string;
  uuid: string;
  timestamp: string;
  properties: Record<string, unknown>;
}

const QUEUE_KEY = 'fupan_queue';
const ID_KEY = 'fupan_distinct_id';
const MAX_QUEUE = 1000;

export function createClient(apiKey: string, options: SdkOptions, env: SdkEnv) {
  const host = options.apiHost.replace(/\/+$/, '');
  const batchSize = options.batchSize ?? 20;
  const interval = options.flushIntervalMs ?? 2000;
  const maxAttempts = options.maxAttempts ?? 6;
  let queue: CapturedEvent[] = load();
  let attempts = 0;
  let timer: unknown = null;
  let inFlight = false;
  let superProps: Record<string, unknown> = {};
  let distinctId = read(ID_KEY) ?? `anon-${env.uuid()}`;
  write(ID_KEY, distinctId);

  function read(k: string): string | null {
    try {
      return env.storage?.getItem(k) ?? null;
    } catch {
      return null;
    }
  }
  function write(k: string, v: string | null): void {
    try {
      if (v === null) env.storage?.removeItem(k);
      else env.storage?.setItem(k, v);
    } catch {
      /* storage full or disabled: keep going in memory */
    }
  }
  function load(): CapturedEvent[] {
    try {
      const raw = read(QUEUE_KEY);
      const parsed = raw ? (JSON.parse(raw) as unknown) : [];
      return Array.isArray(parsed) ? (parsed as CapturedEvent[]).slice(-MAX_QUEUE) : [];
    } catch {
      return [];
    }
  }
  function persist(): void {
    write(QUEUE_KEY, queue.length ? JSON.stringify(queue) : null);
  }
  function payload(batch: CapturedEvent[]): string {
    return JSON.stringify({ api_key: apiKey, batch, sent_at: new Date(env.now()).toISOString() });
  }
  function schedule(ms: number, replace = false): void {
    if (timer !== null && !replace) return;
    if (timer !== null) env.clearTimeout(timer);
    timer = env.setTimeout(() => {
      timer = null;
      void flush();
    }, ms);
  }

  /** Sends what is queued. Network errors, 429 and 5xx keep the batch for a retry; other 4xx drop it (it would never succeed). */
  async function flush(): Promise<void> {
    if (inFlight || !queue.length) return;
    inFlight = true;
    const batch = queue.slice(0, 100);
    let retry = false;
    try {
      const res = await env.fetch(`${host}/batch`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: payload(batch), keepalive: true });
      retry = res.status === 429 || res.status >= 500;
    } catch {
      retry = true;
    }
    inFlight = false;
    if (retry && ++attempts < maxAttempts) {
      schedule(Math.min(30_000, 1000 * 2 ** (attempts - 1)), true);
      return;
    }
    attempts = 0;
    queue = queue.slice(batch.length);
    persist();
    if (queue.length) schedule(0);
  }

  function capture(event: string, properties: Record<string, unknown> = {}): void {
    if (!event || typeof event !== 'string') return;
    queue.push({
      event,
      distinct_id: distinctId,
      uuid: env.uuid(),
      timestamp: new Date(env.now()).toISOString(),
      properties: { ...env.context(), ...superProps, ...properties, $lib: 'fupan-web', $lib_version: '0.1.0' },
    });
    if (queue.length > MAX_QUEUE) queue = queue.slice(-MAX_QUEUE);
    persist();
    if (queue.length >= batchSize) void flush();
    else schedule(interval);
  }

  return {
    capture,
    /** Records a page view with the page's URL, path, referrer and title (from the context). */
    pageview(properties: Record<string, unknown> = {}): void {
      capture('$pageview', properties);
    },
    /** Links the anonymous visitor to a known user id (PostHog's `$identify`). */
    identify(newId: string, personProperties: Record<string, unknown> = {}): void {
      if (!newId || newId === distinctId) return;
      const anon = distinctId;
      distinctId = String(newId);
      write(ID_KEY, distinctId);
      capture('$identify', { $anon_distinct_id: anon, $set: personProperties });
    },
    /** Properties sent with every later event. */
    register(properties: Record<string, unknown>): void {
      superProps = { ...superProps, ...properties };
    },
    /** Forgets the user (on sign-out): a new anonymous id. */
    reset(): void {
      distinctId = `anon-${env.uuid()}`;
      superProps = {};
      write(ID_KEY, distinctId);
    },
    get distinctId(): string {
      return distinctId;
    },
    flush,
    /** The page is going away: hand everything to `sendBeacon` (no response, so no retry), else keep it queued for the next page. */
    unload(): void {
      if (!queue.length || !env.sendBeacon) return;
      const batch = queue.slice(0, 100);
      // text/plain keeps the beacon a "simple" cross-origin request (no preflight); the body is JSON.
      if (env.sendBeacon(`${host}/batch`, payload(batch))) {
        queue = queue.slice(batch.length);
        persist();
      }
    },
    get queued(): number {
      return queue.length;
    },
  };
}

export type FupanClient = ReturnType<typeof createClient>;
