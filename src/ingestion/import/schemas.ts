import { createHash } from 'node:crypto';
import { z } from 'zod';
import { EVENTS } from '../../core/events.js';
import type { Bilingual } from '../../core/lang.js';
import type { RawEvent } from '../types.js';
import type { MappedRow } from './mapping.js';
import type { ImportKind } from './types.js';
import { cellText, isBlank, parseCurrency, parseDay, parseNumber, parseTimestamp } from './values.js';

/**
 * One zod schema per import kind. Each field parses the messy cell value (see values.ts)
 * or raises an issue whose message is a key of `EXPECTED`, so the runner can say what was
 * expected in both languages.
 */
export const EXPECTED = {
  missing: { 'en-US': 'present', 'zh-CN': '非空' },
  text: { 'en-US': 'text of at most 200 characters', 'zh-CN': '不超过 200 个字符的文本' },
  long_text: { 'en-US': 'text of at most 10,000 characters', 'zh-CN': '不超过 10000 个字符的文本' },
  number: { 'en-US': 'a number', 'zh-CN': '数字' },
  count: { 'en-US': 'a whole number ≥ 0', 'zh-CN': '非负整数' },
  money: { 'en-US': 'an amount ≥ 0', 'zh-CN': '非负金额' },
  date: { 'en-US': 'a date such as 2024-01-31', 'zh-CN': '日期（如 2024-01-31）' },
  timestamp: {
    'en-US': 'a date and time such as 2024-01-31 12:00:00 or ISO 8601 (1970–2148)',
    'zh-CN': '时间（如 2024-01-31 12:00:00 或 ISO 8601，1970–2148 年）',
  },
  currency: { 'en-US': 'a currency code such as CNY or USD', 'zh-CN': '币种代码（如 CNY、USD）' },
  score: { 'en-US': 'a whole score from 0 to 10', 'zh-CN': '0 到 10 的整数评分' },
  json_object: { 'en-US': 'a JSON object', 'zh-CN': 'JSON 对象' },
  uuid: { 'en-US': 'a UUID', 'zh-CN': 'UUID' },
} satisfies Record<string, Bilingual>;
export type Expected = keyof typeof EXPECTED;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cell parsed by `parse`; blank is `undefined` (or an issue when required). */
function cell<T>(expected: Expected, parse: (v: unknown) => T | undefined, required: true): z.ZodType<T, unknown>;
function cell<T>(expected: Expected, parse: (v: unknown) => T | undefined, required: false): z.ZodType<T | undefined, unknown>;
function cell<T>(expected: Expected, parse: (v: unknown) => T | undefined, required: boolean): z.ZodType<T | undefined, unknown>;
function cell<T>(expected: Expected, parse: (v: unknown) => T | undefined, required: boolean): z.ZodType<T | undefined, unknown> {
  return z.unknown().transform((v, ctx): T | undefined => {
    if (isBlank(v)) {
      if (required) ctx.addIssue({ code: 'custom', message: 'missing', input: v });
      return required ? z.NEVER : undefined;
    }
    const out = parse(v);
    if (out === undefined) {
      ctx.addIssue({ code: 'custom', message: expected, input: v });
      return z.NEVER;
    }
    return out;
  });
}

const textOf = (max: number) => (v: unknown) => {
  const s = cellText(v);
  return s.length <= max ? s : undefined;
};
const text = <R extends boolean>(required: R) => cell('text', textOf(200), required as never) as z.ZodType<R extends true ? string : string | undefined, unknown>;
const longText = () => cell('long_text', textOf(10_000), false);
const timestamp = (tz: string) => cell('timestamp', (v) => parseTimestamp(v, tz), true);
const count = () => cell('count', (v) => {
  const n = parseNumber(v);
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= Number.MAX_SAFE_INTEGER ? n : undefined;
}, false);
const nonNegative = (v: unknown) => {
  const n = parseNumber(v);
  return n !== undefined && n >= 0 ? n : undefined;
};
const currency = () => cell('currency', parseCurrency, false);
const jsonObject = () =>
  cell('json_object', (v) => {
    let o: unknown = v;
    if (typeof v === 'string') {
      try {
        o = JSON.parse(v);
      } catch {
        return undefined;
      }
    }
    return o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : undefined;
  }, false);

export interface SchemaOptions {
  /** The project's time zone: timestamps without an offset are local times there. */
  timeZone: string;
  /** The project's currency, for rows without one. */
  currency: string;
}

export function eventsSchema(o: SchemaOptions) {
  return z.object({
    event: text(true),
    distinct_id: text(true),
    timestamp: timestamp(o.timeZone),
    uuid: cell('uuid', (v) => (UUID_RE.test(cellText(v)) ? cellText(v).toLowerCase() : undefined), false),
    properties: jsonObject(),
  });
}

export function spendSchema(o: SchemaOptions) {
  return z.object({
    date: cell('date', parseDay, true),
    channel: text(true),
    campaign: text(false).transform((v) => v ?? ''),
    impressions: count().transform((v) => v ?? 0),
    clicks: count().transform((v) => v ?? 0),
    cost: cell('money', nonNegative, true),
    currency: currency().transform((v) => v ?? o.currency),
  });
}

export function ordersSchema(o: SchemaOptions) {
  return z.object({
    order_id: text(true),
    distinct_id: text(true),
    timestamp: timestamp(o.timeZone),
    revenue: cell('number', parseNumber, true),
    currency: currency().transform((v) => v ?? o.currency),
    status: text(false),
    refund_amount: cell('money', nonNegative, false),
  });
}

export function surveysSchema(o: SchemaOptions) {
  return z.object({
    survey: text(false).transform((v) => v ?? 'nps'),
    distinct_id: text(true),
    timestamp: timestamp(o.timeZone),
    score: cell('score', (v) => {
      const n = parseNumber(typeof v === 'string' ? v.replace(/分$/, '') : v);
      return n !== undefined && Number.isInteger(n) && n >= 0 && n <= 10 ? n : undefined;
    }, true),
    comment: longText(),
  });
}

export type SpendRow = z.output<ReturnType<typeof spendSchema>>;

const PAID = new Set(['paid', 'success', 'succeeded', 'successful', 'completed', 'complete', 'done', 'delivered', 'shipped',
  '已支付', '支付成功', '已付款', '付款成功', '交易成功', '已完成', '完成', '成功', '待发货', '已发货', '已收货', '已签收']);
const REFUNDED = new Set(['refunded', 'refund', 'returned', 'chargeback', 'partially_refunded', 'partial_refund',
  '已退款', '退款', '退款成功', '已退货', '退货', '部分退款', '退款完成']);
const SKIPPED = new Set(['pending', 'unpaid', 'created', 'cancelled', 'canceled', 'closed', 'failed', 'expired', 'void',
  '待支付', '待付款', '未支付', '未付款', '已取消', '取消', '已关闭', '交易关闭', '关闭', '支付失败', '已失效']);

/** What an order row's status means: see docs/import.md ("Orders"). */
export function orderStatus(status: string | undefined, revenue: number): 'paid' | 'refunded' | 'skipped' | 'unknown' {
  if (status === undefined || status === '') return revenue < 0 ? 'refunded' : 'paid';
  const s = status.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (PAID.has(s)) return 'paid';
  if (REFUNDED.has(s)) return 'refunded';
  if (SKIPPED.has(s)) return 'skipped';
  return 'unknown';
}

/** A name-based UUID (SHA-1, version-5 layout): re-importing a file yields the same uuids. */
export function stableUuid(...parts: string[]): string {
  const h = createHash('sha1');
  for (const part of parts) h.update(part + '\u0000');
  const b = h.digest();
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const x = b.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** A validated row ready to write: an event for the pipeline, an ad-spend row, or nothing. */
export type Prepared =
  | { ok: true; event: RawEvent }
  | { ok: true; spend: SpendRow }
  | { ok: true; skip: true }
  | { ok: false; field: string; expected: Expected | 'order_status'; value: unknown };

/**
 * Validates a mapped row with the kind's schema and builds what gets written. Orders and
 * surveys get uuids derived from their content (order id; survey, person and time), so
 * importing the same file twice never counts a row twice.
 */
export function makePreparer(kind: ImportKind, projectId: string, o: SchemaOptions): (row: MappedRow) => Prepared {
  const schema =
    kind === 'events' ? eventsSchema(o) : kind === 'spend' ? spendSchema(o) : kind === 'orders' ? ordersSchema(o) : surveysSchema(o);
  const names = Object.keys(schema.shape);
  return (row) => {
    // Every field present (blank ones as undefined), so absent columns read as empty cells.
    const input: Record<string, unknown> = {};
    for (const name of names) input[name] = row.fields[name];
    const r = schema.safeParse(input);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const field = String(issue.path[0] ?? '');
      return { ok: false, field, expected: issue.message as Expected, value: row.fields[field] };
    }
    const props = row.properties;
    switch (kind) {
      case 'events': {
        const d = r.data as z.output<ReturnType<typeof eventsSchema>>;
        const event: RawEvent = {
          event: d.event,
          distinct_id: d.distinct_id,
          timestamp: d.timestamp,
          properties: { ...(d.properties ?? {}), ...props },
        };
        if (d.uuid) event.uuid = d.uuid;
        if (row.set) event.$set = row.set;
        if (row.setOnce) event.$set_once = row.setOnce;
        return { ok: true, event };
      }
      case 'spend':
        return { ok: true, spend: r.data as SpendRow };
      case 'orders': {
        const d = r.data as z.output<ReturnType<typeof ordersSchema>>;
        const status = orderStatus(d.status, d.revenue);
        if (status === 'skipped') return { ok: true, skip: true };
        if (status === 'unknown') return { ok: false, field: 'status', expected: 'order_status', value: d.status };
        if (status === 'paid') {
          if (d.revenue < 0) return { ok: false, field: 'revenue', expected: 'money', value: row.fields.revenue };
          const properties = { ...props, order_id: d.order_id, revenue: d.revenue, currency: d.currency };
          if (d.status) Object.assign(properties, { status: d.status });
          return {
            ok: true,
            event: {
              event: EVENTS.orderPaid,
              distinct_id: d.distinct_id,
              timestamp: d.timestamp,
              uuid: stableUuid('import', projectId, EVENTS.orderPaid, d.order_id),
              properties,
            },
          };
        }
        const refund = d.refund_amount ?? Math.abs(d.revenue);
        const properties = { ...props, order_id: d.order_id, refund_amount: refund, currency: d.currency };
        if (d.status) Object.assign(properties, { status: d.status });
        return {
          ok: true,
          event: {
            event: EVENTS.orderRefunded,
            distinct_id: d.distinct_id,
            timestamp: d.timestamp,
            uuid: stableUuid('import', projectId, EVENTS.orderRefunded, d.order_id, d.timestamp, String(refund)),
            properties,
          },
        };
      }
      case 'surveys': {
        const d = r.data as z.output<ReturnType<typeof surveysSchema>>;
        const properties: Record<string, unknown> = { ...props, survey: d.survey, score: d.score };
        if (d.comment) properties.comment = d.comment;
        return {
          ok: true,
          event: {
            event: EVENTS.surveyResponse,
            distinct_id: d.distinct_id,
            timestamp: d.timestamp,
            uuid: stableUuid('import', projectId, EVENTS.surveyResponse, d.survey, d.distinct_id, d.timestamp),
            properties,
          },
        };
      }
    }
  };
}
