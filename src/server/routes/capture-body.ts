import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { FupanError } from '../../core/errors/index.js';
import type { RawEvent } from '../../ingestion/types.js';

const gunzipAsync = promisify(gunzip);

export interface CaptureRequest {
  apiKey: string | undefined;
  events: RawEvent[];
  sentAt: string | undefined;
}

export interface BodyHints {
  contentType: string | undefined;
  contentEncoding: string | undefined;
  /** `?compression=` (posthog-js: gzip-js or base64). */
  compression: string | undefined;
  /** Largest decompressed body accepted. */
  maxBytes: number;
}

/**
 * Turns the bytes a PostHog SDK sends into JSON:
 * - `Content-Encoding: gzip`, `?compression=gzip-js` (posthog-js, as text/plain), or a
 *   body starting with the gzip magic → gunzip (bounded, a bomb answers 413);
 * - `application/x-www-form-urlencoded` `data=<base64 JSON>` (posthog-js's base64 mode) →
 *   base64-decode;
 * - otherwise UTF-8 JSON.
 */
export async function decodeBody(raw: Buffer, hints: BodyHints): Promise<unknown> {
  let buf = raw;
  const gzip =
    /gzip/i.test(hints.contentEncoding ?? '') || /gzip/i.test(hints.compression ?? '') || (buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b);
  if (gzip) {
    try {
      buf = await gunzipAsync(buf, { maxOutputLength: hints.maxBytes });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger/i.test(String(e))) {
        throw new FupanError('payload_too_large', { limit: hints.maxBytes });
      }
      throw new FupanError('ingest_body_unreadable', { encoding: 'gzip', problem: (e as Error).message ?? String(e) });
    }
  }
  let text = buf.toString('utf8');
  const form = /x-www-form-urlencoded/i.test(hints.contentType ?? '') || text.startsWith('data=');
  if (form) {
    const data = new URLSearchParams(text).get('data');
    if (data === null) throw new FupanError('ingest_body_unreadable', { encoding: 'form', problem: 'no `data` field' });
    text = data;
  }
  const trimmed = text.trimStart();
  if (/base64/i.test(hints.compression ?? '') || (form && trimmed && trimmed[0] !== '{' && trimmed[0] !== '[')) {
    text = Buffer.from(trimmed, 'base64').toString('utf8');
  }
  if (!text.trim()) throw new FupanError('ingest_empty', {});
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FupanError('invalid_json', { problem: (e as Error).message });
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The shapes PostHog's SDKs and capture API send:
 * - `{ api_key, batch: [event…], sent_at }` (posthog-node, /batch);
 * - `[event…]` (posthog-js batches; the key is each event's `properties.token`);
 * - one event `{ api_key?, event, distinct_id?, properties: { token?, distinct_id? }, … }`;
 * - `/engage` people updates `{ $token, $distinct_id, $set… }` (old posthog-js) → a `$set` event.
 */
export function readCaptureBody(body: unknown, engage = false): CaptureRequest {
  if (Array.isArray(body)) {
    const first = body.find(isObject);
    const props = first && isObject(first['properties']) ? first['properties'] : undefined;
    return { apiKey: str(first?.['api_key']) ?? str(props?.['token']) ?? str(first?.['token']), events: body as RawEvent[], sentAt: undefined };
  }
  if (!isObject(body)) return { apiKey: undefined, events: [], sentAt: undefined };
  const sentAt = str(body['sent_at']);
  const batch = body['batch'] ?? (Array.isArray(body['data']) ? body['data'] : undefined);
  if (batch !== undefined) {
    const events = Array.isArray(batch) ? (batch as RawEvent[]) : [];
    const first = events.find(isObject);
    const props = first && isObject(first['properties']) ? first['properties'] : undefined;
    return { apiKey: str(body['api_key']) ?? str(body['token']) ?? str(props?.['token']), events, sentAt };
  }
  const props = isObject(body['properties']) ? body['properties'] : undefined;
  const apiKey = str(body['api_key']) ?? str(body['token']) ?? str(body['$token']) ?? str(props?.['token']);
  let event: RawEvent = body;
  if (engage || (body['event'] === undefined && body['$distinct_id'] !== undefined)) {
    const { $token: _t, $distinct_id, api_key: _k, ...rest } = body;
    event = { event: '$set', distinct_id: $distinct_id ?? body['distinct_id'], ...rest };
  }
  return { apiKey, events: [event], sentAt };
}
