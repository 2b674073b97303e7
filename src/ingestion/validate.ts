import { z } from 'zod';
import type { ErrorCode } from '../core/errors/index.js';
import { parseInstant } from './timestamp.js';
import { canonicalUuid } from './uuid.js';

/** Longest event name and distinct id accepted. */
export const MAX_NAME_LENGTH = 200;

const plainObject = z.custom<Record<string, unknown>>(isPlainObject, { message: 'expected a JSON object' });
const instant = z.union([z.string(), z.number()]).refine((v) => !Number.isNaN(parseInstant(v)), { message: 'expected an ISO 8601 time or epoch milliseconds' });
const distinctId = z.union([z.string().trim().min(1).max(MAX_NAME_LENGTH), z.number().finite()]);

/**
 * One event as the capture API accepts it (PostHog's shape). This schema is the contract
 * and the documentation; `checkEvent` below is the hand-written fast path the pipeline
 * runs per event, and a test holds the two to the same verdicts.
 */
export const captureEventSchema = z
  .object({
    event: z.string().trim().min(1).max(MAX_NAME_LENGTH),
    distinct_id: distinctId.optional(),
    uuid: z.string().refine((v) => canonicalUuid(v) !== undefined, { message: 'expected a UUID' }).optional().nullable(),
    timestamp: instant.optional().nullable(),
    offset: z.number().finite().min(0).optional().nullable(),
    properties: plainObject.optional().nullable(),
    $set: plainObject.optional().nullable(),
    $set_once: plainObject.optional().nullable(),
  })
  .loose()
  .superRefine((e, ctx) => {
    if (e.distinct_id !== undefined) return;
    const inProps = e.properties?.['distinct_id'];
    if (!distinctId.safeParse(inProps).success) ctx.addIssue({ code: 'custom', path: ['distinct_id'], message: 'missing' });
  })
  .superRefine((e, ctx) => {
    for (const key of ['$set', '$set_once'] as const) {
      const v = e.properties?.[key];
      if (v !== undefined && v !== null && !isPlainObject(v)) ctx.addIssue({ code: 'custom', path: ['properties', key], message: 'expected a JSON object' });
    }
  });

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type CheckFailure = { code: ErrorCode; field: string };

function validName(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const n = v.trim().length;
  return n >= 1 && n <= MAX_NAME_LENGTH;
}

function validDistinctId(v: unknown): boolean {
  return typeof v === 'number' ? Number.isFinite(v) : validName(v);
}

function optionalObject(v: unknown): boolean {
  return v === undefined || v === null || isPlainObject(v);
}

/**
 * The per-event fast path: the same verdict as `captureEventSchema`, without building zod
 * issues for the good events that are nearly all of the traffic. Returns the first
 * failure, or undefined when the event is valid. `skipTimes` leaves `timestamp` / `offset`
 * to resolveTimestamp (same rules, parsed once).
 */
export function checkEvent(raw: unknown, options: { skipTimes?: boolean } = {}): CheckFailure | undefined {
  if (!isPlainObject(raw)) return { code: 'event_not_object', field: '(event)' };
  if (!validName(raw['event'])) return { code: 'event_invalid_name', field: 'event' };
  const props = raw['properties'];
  if (!optionalObject(props)) return { code: 'event_invalid_properties', field: 'properties' };
  const did = raw['distinct_id'];
  if (did !== undefined) {
    if (!validDistinctId(did)) return { code: 'event_invalid_distinct_id', field: 'distinct_id' };
  } else if (!validDistinctId((props as Record<string, unknown> | null | undefined)?.['distinct_id'])) {
    return { code: 'event_invalid_distinct_id', field: 'distinct_id' };
  }
  const uuid = raw['uuid'];
  if (uuid !== undefined && uuid !== null && (typeof uuid !== 'string' || canonicalUuid(uuid) === undefined)) {
    return { code: 'event_invalid_uuid', field: 'uuid' };
  }
  if (!options.skipTimes) {
    const ts = raw['timestamp'];
    if (ts !== undefined && ts !== null && Number.isNaN(parseInstant(ts))) return { code: 'event_invalid_timestamp', field: 'timestamp' };
    const offset = raw['offset'];
    if (offset !== undefined && offset !== null && !(typeof offset === 'number' && Number.isFinite(offset) && offset >= 0)) {
      return { code: 'event_invalid_timestamp', field: 'offset' };
    }
  }
  for (const key of ['$set', '$set_once'] as const) {
    if (!optionalObject(raw[key])) return { code: 'event_invalid_properties', field: key };
    if (props && !optionalObject((props as Record<string, unknown>)[key])) return { code: 'event_invalid_properties', field: `properties.${key}` };
  }
  return undefined;
}
