/**
 * The one HTTP client of the web app: JSON in and out, the session cookie sent by the
 * browser, the CSRF token header on every state-changing request, errors as ApiError with
 * the server's code and message (already in the user's language), cancellation through
 * AbortSignal.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
  /** The route does not exist on this server yet (another part of the API still being built). */
  get missingRoute(): boolean {
    return this.status === 404 && (this.details.what === 'route' || this.code === 'route_missing');
  }
}

let csrfToken: string | null = null;
let lang = 'en-US';
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
export function setApiLang(l: string): void {
  lang = l;
}
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

function cookie(name: string): string | null {
  const m = document.cookie.match(new RegExp(`(?:^|; )${name}=([^;]*)`));
  return m ? decodeURIComponent(m[1]!) : null;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Do not call the unauthorized handler on 401 (sign-in page itself). */
  quiet401?: boolean;
}

export async function api<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': lang };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken ?? cookie('fupan_csrf');
    if (token) headers['X-CSRF-Token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', '');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
    const apiError = new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? res.statusText, err?.details ?? {});
    if (res.status === 401 && !options.quiet401) onUnauthorized?.();
    throw apiError;
  }
  return data as T;
}

export const get = <T>(path: string, options?: RequestOptions) => api<T>('GET', path, undefined, options);
export const post = <T>(path: string, body?: unknown, options?: RequestOptions) => api<T>('POST', path, body ?? {}, options);
export const patch = <T>(path: string, body: unknown, options?: RequestOptions) => api<T>('PATCH', path, body, options);
export const del = <T>(path: string, options?: RequestOptions) => api<T>('DELETE', path, undefined, options);
