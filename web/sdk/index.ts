/**
 * fupan browser SDK, served at /sdk.js.
 *
 *   <script src="https://fupan.example.com/sdk.js"></script>
 *   <script>fupan.init('phc_…'); fupan.capture('signup_click', { plan: 'pro' }); fupan.identify('user-42');</script>
 *
 * `init` records a pageview at once and on every history change (single-page apps), unless
 * `{ autoPageview: false }`. The API host defaults to where this script was loaded from.
 */
import { createClient, type FupanClient, type SdkOptions } from './client.js';

(function install() {
  const w = window as unknown as { fupan?: unknown };
  if (w.fupan && typeof (w.fupan as { init?: unknown }).init === 'function' && (w.fupan as { __loaded?: boolean }).__loaded) return;
  const script = document.currentScript as HTMLScriptElement | null;
  const defaultHost = script?.src ? new URL(script.src).origin : location.origin;
  let client: FupanClient | null = null;
  const pending: [string, unknown[]][] = [];

  function utm(): Record<string, string> {
    const out: Record<string, string> = {};
    const params = new URLSearchParams(location.search);
    for (const k of ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term']) {
      const v = params.get(k);
      if (v) out[k] = v;
    }
    return out;
  }

  function context(): Record<string, unknown> {
    return {
      $current_url: location.href,
      $host: location.host,
      $pathname: location.pathname,
      $referrer: document.referrer || '$direct',
      $title: document.title,
      $screen_width: screen.width,
      $screen_height: screen.height,
      $browser_language: navigator.language,
      device_type: /Mobi|Android|iPhone/i.test(navigator.userAgent) ? 'mobile' : 'desktop',
      ...utm(),
    };
  }

  function call(method: string, args: unknown[]): unknown {
    if (!client) {
      pending.push([method, args]);
      return undefined;
    }
    const fn = (client as unknown as Record<string, (...a: unknown[]) => unknown>)[method];
    return typeof fn === 'function' ? fn.apply(client, args) : undefined;
  }

  const api = {
    __loaded: true,
    init(apiKey: string, options: Partial<SdkOptions> & { autoPageview?: boolean } = {}) {
      if (client) return;
      client = createClient(apiKey, { apiHost: options.apiHost ?? defaultHost, ...options }, {
        fetch: (url, init) => fetch(url, init),
        sendBeacon: navigator.sendBeacon ? (url, body) => navigator.sendBeacon(url, new Blob([body], { type: 'text/plain;charset=UTF-8' })) : undefined,
        storage: window.localStorage,
        setTimeout: (fn, ms) => window.setTimeout(fn, ms),
        clearTimeout: (h) => window.clearTimeout(h as number),
        now: () => Date.now(),
        uuid: () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`),
        context,
      });
      const c = client;
      addEventListener('pagehide', () => c.unload());
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'hidden') c.unload();
      });
      if (options.autoPageview !== false) {
        c.pageview();
        let last = location.href;
        const changed = () => {
          if (location.href !== last) {
            last = location.href;
            c.pageview();
          }
        };
        for (const name of ['pushState', 'replaceState'] as const) {
          const original = history[name];
          history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
            const r = original.apply(this, args);
            changed();
            return r;
          };
        }
        addEventListener('popstate', changed);
      }
      void c.flush();
      for (const [m, a] of pending.splice(0)) call(m, a);
    },
    capture: (...a: unknown[]) => call('capture', a),
    pageview: (...a: unknown[]) => call('pageview', a),
    identify: (...a: unknown[]) => call('identify', a),
    register: (...a: unknown[]) => call('register', a),
    reset: (...a: unknown[]) => call('reset', a),
    flush: (...a: unknown[]) => call('flush', a),
    get distinctId() {
      return client?.distinctId;
    },
  };
  // Calls made through a stub before this script loaded: `window.fupan = [['capture', …], …]`.
  const early = Array.isArray(w.fupan) ? (w.fupan as [string, ...unknown[]][]) : [];
  w.fupan = api;
  for (const [m, ...a] of early) {
    if (m === 'init') api.init(...(a as [string]));
    else call(m, a);
  }
})();
