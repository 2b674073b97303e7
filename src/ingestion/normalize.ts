import { ERRORS, type ErrorCode } from '../core/errors/index.js';
import { renderMessage } from '../core/errors/registry.js';
import type { Rejection } from './types.js';
import { chDateTime, resolveTimestamp } from './timestamp.js';
import { checkEvent, isPlainObject } from './validate.js';
import { canonicalUuid, fallbackUuid } from './uuid.js';
import { FLAGS } from './config.js';

/** An event that passed validation, in UTC, ready for identity resolution and writing. */
export interface NormalizedEvent {
  /** Position in the caller's batch (or row number of a file). */
  index: number;
  uuid: string;
  event: string;
  distinctId: string;
  timestampMs: number;
  flags: number;
  properties: Record<string, unknown>;
  /**
   * The JSONEachRow line for `events`, complete but for the person id: the writer appends
   * `<person_id>"}`. Built here, outside the serialised writer.
   */
  linePrefix: string;
}

export interface NormalizeContext {
  projectId: string;
  receivedAtMs: number;
  /** Batch-level `sent_at` in ms, NaN when absent. */
  sentAtMs: number;
  futureToleranceMs: number;
}

export function rejection(index: number, code: ErrorCode, details: Record<string, unknown> = {}): Rejection {
  const def = ERRORS[code];
  return {
    index,
    code,
    message: renderMessage(def, 'en-US', details),
    messageZh: renderMessage(def, 'zh-CN', details),
    ...(Object.keys(details).length ? { details } : {}),
  };
}

const quote = JSON.stringify;

/**
 * Validates one raw event and puts it in canonical form: event name trimmed, distinct id
 * as a string, properties an object (top-level `$set` / `$set_once` folded in, the
 * `token` posthog-js repeats in every event dropped), the time corrected and clamped
 * (see timestamp.ts), the uuid canonical or derived (see uuid.ts).
 */
export function normalizeEvent(raw: unknown, index: number, ctx: NormalizeContext): NormalizedEvent | Rejection {
  const failure = checkEvent(raw, { skipTimes: true });
  if (failure) return rejection(index, failure.code, { field: failure.field });
  const e = raw as Record<string, unknown>;
  let properties = (isPlainObject(e['properties']) ? e['properties'] : {}) as Record<string, unknown>;
  const did = e['distinct_id'] ?? properties['distinct_id'];
  const distinctId = typeof did === 'number' ? String(did) : toWellFormed((did as string).trim());
  const event = toWellFormed((e['event'] as string).trim());

  const sentAtRaw = e['sent_at'];
  const ts = resolveTimestamp({
    timestamp: e['timestamp'],
    offset: e['offset'],
    sentAtMs: sentAtRaw !== undefined ? Date.parse(String(sentAtRaw)) : ctx.sentAtMs,
    receivedAtMs: ctx.receivedAtMs,
    ignoreSentAt: properties['$ignore_sent_at'] === true,
    futureToleranceMs: ctx.futureToleranceMs,
  });
  if (!ts.ok) return rejection(index, 'event_invalid_timestamp', { field: ts.field });

  const set = e['$set'];
  const setOnce = e['$set_once'];
  if (isPlainObject(set) || isPlainObject(setOnce) || 'token' in properties) {
    properties = { ...properties };
    if (isPlainObject(set)) properties['$set'] = { ...(properties['$set'] as object | undefined), ...set };
    if (isPlainObject(setOnce)) properties['$set_once'] = { ...(properties['$set_once'] as object | undefined), ...setOnce };
    delete properties['token'];
  }
  let propertiesJson = JSON.stringify(properties);
  // JSON.stringify writes a lone UTF-16 surrogate as a \udXXX escape, which ClickHouse
  // refuses (and would fail the whole insert): replace them with U+FFFD.
  if (propertiesJson.includes('\\ud')) {
    properties = wellFormed(properties) as Record<string, unknown>;
    propertiesJson = JSON.stringify(properties);
  }
  const rawUuid = e['uuid'];
  const uuid =
    typeof rawUuid === 'string'
      ? canonicalUuid(rawUuid)!
      : fallbackUuid(ctx.projectId, distinctId, event, e['timestamp'] === undefined || e['timestamp'] === null ? undefined : String(e['timestamp']), propertiesJson);

  const linePrefix =
    `{"project_id":${quote(ctx.projectId)},"uuid":"${uuid}","event":${quote(event)},"distinct_id":${quote(distinctId)},` +
    `"timestamp":"${chDateTime(ts.ms)}","flags":${ts.flags},"properties":${propertiesJson},"person_id":"`;
  return { index, uuid, event, distinctId, timestampMs: ts.ms, flags: ts.flags, properties, linePrefix };
}

export function isClamped(e: NormalizedEvent): boolean {
  return (e.flags & FLAGS.futureClamped) !== 0;
}

/** A copy of a JSON value with every lone surrogate (in keys and strings) replaced by U+FFFD. */
export function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return toWellFormed(value);
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[toWellFormed(k)] = wellFormed(v);
    return out;
  }
  return value;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The string with lone UTF-16 surrogates replaced by U+FFFD (String#toWellFormed). */
export function toWellFormed(s: string): string {
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(s) ? s.replace(LONE_SURROGATE, '\ufffd') : s;
}
