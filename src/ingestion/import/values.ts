import { zoneOffsetMs } from '../../core/time-zone.js';

/**
 * Cell-value parsing for imports: what ops teams' exports actually contain — numbers with
 * thousands separators and currency signs, dates as 2024/1/5 or 2024年1月5日, timestamps
 * without an offset (local time of the project), Excel dates, epoch seconds.
 * Every parser returns `undefined` for "not this kind of value"; callers turn that into a
 * row rejection.
 */

/** A trimmed string for a cell, or '' for an empty one. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v).trim();
}

export function isBlank(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

const NUMBER_NOISE = /[\s,，¥￥$€£元]/g;

/** A finite number from 1,234.50 / ¥12.5 / "12.5元" / 12.5; undefined otherwise. */
export function parseNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'string') return undefined;
  let s = v.replace(NUMBER_NOISE, '');
  if (!s) return undefined;
  // Accounting negatives: (12.50)
  if (/^\(.*\)$/.test(s)) s = '-' + s.slice(1, -1);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** A CSV-ish cell as a JSON property value: numbers and booleans typed, the rest text. */
export function inferScalar(v: unknown): unknown {
  if (typeof v !== 'string') {
    if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    if (v instanceof Date) return v.toISOString();
    return v;
  }
  const s = v.trim();
  if (s === '') return undefined;
  // Only plain decimal literals become numbers: "007", phone numbers and ids keep their text.
  if (s.length <= 15 && /^-?(0|[1-9]\d*)(\.\d+)?$/.test(s)) return Number(s);
  if (s === 'true' || s === 'TRUE') return true;
  if (s === 'false' || s === 'FALSE') return false;
  return s;
}

const DATE_RE = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?/;
const COMPACT_DATE_RE = /^(\d{4})(\d{2})(\d{2})$/;

function validYmd(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1970 || y > 2149) return false;
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * A calendar day `YYYY-MM-DD` from a date-like cell (2024-01-05, 2024/1/5, 2024年1月5日,
 * 20240105, an ISO timestamp — its date part as written). Range 1970–2149 (ClickHouse Date).
 */
export function parseDay(v: unknown): string | undefined {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return undefined;
    return v.toISOString().slice(0, 10);
  }
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  let m = DATE_RE.exec(s);
  if (!m) m = COMPACT_DATE_RE.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validYmd(y, mo, d)) return undefined;
  return `${y}-${pad(mo)}-${pad(d)}`;
}

const TS_RE =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:(?:\s+|T)(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:[.,](\d{1,9}))?秒?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

const FAST_TS_RE = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{3})?$/;

/** Offsets of one IANA zone, memoised per hour of UTC (zones change offset on the hour). */
class ZoneOffsets {
  private readonly cache = new Map<number, number>();
  constructor(readonly timeZone: string) {
    zoneOffsetMs(0, timeZone); // an unknown zone throws here, when the zone is first named
  }
  /** Offset (ms) of the zone at the UTC instant `utcMs`. */
  offsetAt(utcMs: number): number {
    const hour = Math.floor(utcMs / 3_600_000);
    let off = this.cache.get(hour);
    if (off === undefined) {
      off = zoneOffsetMs(hour * 3_600_000, this.timeZone);
      if (this.cache.size > 100_000) this.cache.clear();
      this.cache.set(hour, off);
    }
    return off;
  }
  /** The UTC instant of a wall-clock time in this zone. */
  toUtc(wallMs: number): number {
    let utc = wallMs - this.offsetAt(wallMs);
    const off2 = this.offsetAt(utc);
    utc = wallMs - off2;
    return utc;
  }
}

const zones = new Map<string, ZoneOffsets>();
function zone(tz: string): ZoneOffsets {
  let z = zones.get(tz);
  if (!z) zones.set(tz, (z = new ZoneOffsets(tz)));
  return z;
}

/** Accepted instants: 1970-01-01 … 2149 (DateTime64 range fupan stores). */
const MIN_MS = 0;
const MAX_MS = Date.UTC(2149, 0, 1);

/**
 * An instant (ISO string in UTC) from a timestamp cell. Text without an offset is the
 * wall-clock time of `timeZone` (the project's); `Z` / `+08:00` are honoured; numbers are
 * epoch seconds (10 digits) or milliseconds (13 digits); a `Date` is taken as an instant
 * (readers turn Excel dates, which are wall-clock times, into text first).
 */
export function parseTimestamp(v: unknown, timeZone: string): string | undefined {
  let ms: number | undefined;
  if (typeof v === 'string' && (v.length === 19 || v.length === 23) && FAST_TS_RE.test(v)) {
    // The common export shape `YYYY-MM-DD hh:mm:ss[.sss]`, without the general regex.
    const n = (a: number, b: number) => Number(v.slice(a, b));
    const [y, mo, d, h, mi, s] = [n(0, 4), n(5, 7), n(8, 10), n(11, 13), n(14, 16), n(17, 19)];
    if (!validYmd(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
    const wall = Date.UTC(y, mo - 1, d, h, mi, s, v.length === 23 ? n(20, 23) : 0);
    ms = timeZone === 'UTC' ? wall : zone(timeZone).toUtc(wall);
  } else if (v instanceof Date) ms = v.getTime();
  else if (typeof v === 'number' || typeof v === 'bigint' || (typeof v === 'string' && /^\d{10}(\d{3})?(\.\d+)?$/.test(v.trim()))) {
    const n = Number(v);
    if (!Number.isFinite(n)) return undefined;
    ms = n >= 1e11 ? n : n * 1000;
  } else if (typeof v === 'string') {
    const m = TS_RE.exec(v.trim());
    if (!m) return undefined;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validYmd(y, mo, d)) return undefined;
    const h = Number(m[4] ?? 0);
    const mi = Number(m[5] ?? 0);
    const s = Number(m[6] ?? 0);
    if (h > 23 || mi > 59 || s > 60) return undefined;
    const frac = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    const wall = Date.UTC(y, mo - 1, d, h, mi, s, frac);
    const zoneText = m[8]?.toUpperCase();
    if (zoneText === undefined) ms = timeZone === 'UTC' ? wall : zone(timeZone).toUtc(wall);
    else if (zoneText === 'Z' || zoneText === 'UTC' || zoneText === 'GMT') ms = wall;
    else {
      const sign = zoneText.startsWith('-') ? -1 : 1;
      const digits = zoneText.slice(1).replace(':', '');
      const offMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0);
      ms = wall - sign * offMin * 60_000;
    }
  }
  if (ms === undefined || !Number.isFinite(ms) || ms < MIN_MS || ms >= MAX_MS) return undefined;
  return new Date(ms).toISOString();
}

/** Wall-clock text (no offset) for a Date that holds a local time, e.g. an Excel cell. */
export function wallClockText(d: Date): string {
  return d.toISOString().slice(0, 23).replace('T', ' ');
}

const CURRENCY_ALIASES: Record<string, string> = {
  人民币: 'CNY',
  元: 'CNY',
  RMB: 'CNY',
  '¥': 'CNY',
  '￥': 'CNY',
  美元: 'USD',
  美金: 'USD',
  $: 'USD',
  港币: 'HKD',
  港元: 'HKD',
  欧元: 'EUR',
  '€': 'EUR',
  日元: 'JPY',
  英镑: 'GBP',
  '£': 'GBP',
};

/** An ISO 4217 code from `cny`, `CNY`, `人民币`, `RMB`, `¥`; undefined otherwise. */
export function parseCurrency(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  const alias = CURRENCY_ALIASES[s] ?? CURRENCY_ALIASES[s.toUpperCase()];
  if (alias) return alias;
  return /^[a-zA-Z]{3}$/.test(s) ? s.toUpperCase() : undefined;
}
