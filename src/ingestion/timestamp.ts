import { FLAGS } from './config.js';

const ZONE_RE = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
const DATE_ONLY_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Milliseconds since the epoch of an ISO 8601 string or an epoch-milliseconds number, or
 * NaN. A string without a zone is read as UTC (never as the server's local time).
 */
export function parseInstant(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
  if (typeof value !== 'string' || value.length < 10 || value.length > 40) return NaN;
  // Fast path: what SDKs send (Date.toISOString(): 2026-01-31T08:00:00.000Z).
  if (value.length === 24 && value.charCodeAt(23) === 90 && value.charCodeAt(10) === 84) return Date.parse(value);
  let text = value.trim();
  if (!DATE_ONLY_RE.test(text) && !ZONE_RE.test(text)) text += 'Z';
  return Date.parse(text.replace(' ', 'T'));
}

export interface TimestampInput {
  timestamp: unknown;
  offset: unknown;
  /** The batch's (or event's) `sent_at` in ms, NaN when absent or invalid. */
  sentAtMs: number;
  receivedAtMs: number;
  /** `$ignore_sent_at: true` in properties turns skew correction off (PostHog's rule). */
  ignoreSentAt: boolean;
  futureToleranceMs: number;
}

export type TimestampResult = { ok: true; ms: number; flags: number } | { ok: false; field: 'timestamp' | 'offset' };

/**
 * When the event happened, in UTC milliseconds (PostHog's rules):
 * - `timestamp` and `sent_at`: the client's clock may be wrong, but the interval between
 *   the event and sending is right, so the time is `received_at − (sent_at − timestamp)`;
 * - `timestamp` alone: taken as is;
 * - `offset` (ms before sending) alone: `received_at − offset`;
 * - nothing: the receive time (flagged).
 * A result later than receive time + tolerance is clamped to the receive time (flagged).
 */
export function resolveTimestamp(input: TimestampInput): TimestampResult {
  let ms: number;
  let flags = 0;
  if (input.timestamp !== undefined && input.timestamp !== null) {
    const ts = parseInstant(input.timestamp);
    if (Number.isNaN(ts)) return { ok: false, field: 'timestamp' };
    if (!Number.isNaN(input.sentAtMs) && !input.ignoreSentAt) {
      ms = input.receivedAtMs - (input.sentAtMs - ts);
      if (ms !== ts) flags |= FLAGS.skewCorrected;
    } else {
      ms = ts;
    }
  } else if (input.offset !== undefined && input.offset !== null) {
    const offset = typeof input.offset === 'number' ? input.offset : NaN;
    if (!Number.isFinite(offset) || offset < 0) return { ok: false, field: 'offset' };
    ms = input.receivedAtMs - offset;
    flags |= FLAGS.skewCorrected;
  } else {
    ms = input.receivedAtMs;
    flags |= FLAGS.receiveTime;
  }
  if (ms > input.receivedAtMs + input.futureToleranceMs) {
    ms = input.receivedAtMs;
    flags |= FLAGS.futureClamped;
  }
  // DateTime64(3) holds 1900-01-01 … 2299-12-31.
  if (ms < -2208988800000 || ms > 10413791999999) return { ok: false, field: 'timestamp' };
  return { ok: true, ms: Math.round(ms), flags };
}

/** `YYYY-MM-DD hh:mm:ss.sss` in UTC, the text ClickHouse reads into DateTime64(3, 'UTC'). */
export function chDateTime(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== lastSecond) {
    const iso = new Date(sec * 1000).toISOString();
    lastPrefix = `${iso.slice(0, 10)} ${iso.slice(11, 19)}.`;
    lastSecond = sec;
  }
  const milli = ms - sec * 1000;
  return lastPrefix + (milli < 10 ? '00' : milli < 100 ? '0' : '') + milli;
}

// Events of a batch mostly fall in the same second: format the date part once.
let lastSecond = NaN;
let lastPrefix = '';
