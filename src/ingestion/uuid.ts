import { hash, randomUUID } from 'node:crypto';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A client uuid in canonical lowercase form, or undefined when it is not a UUID. */
export function canonicalUuid(value: string): string | undefined {
  if (value.length !== 36 || !UUID_RE.test(value)) return undefined;
  return value.toLowerCase();
}

/** A name-based UUID (SHA-1, version-5 layout) of the given parts; stable across processes. */
export function hashUuid(...parts: string[]): string {
  let text = '';
  for (const part of parts) text += part + '\u0000';
  const b = hash('sha1', text, 'buffer');
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The uuid of an event the client sent without one.
 *
 * A retry can only be recognised by its uuid. When the client stamped the event itself
 * (a `timestamp`), the uuid is derived from what it sent — project, distinct id, event
 * name, raw timestamp and properties — so a retried batch gets the same uuids and is
 * deduplicated. The price: two genuinely distinct events identical in all of those to the
 * millisecond count once. Without a client timestamp nothing distinguishes a retry from a
 * new event, so the uuid is random and such retries cannot be deduplicated. Both SDKs
 * send a uuid (v7) with every event, so this only concerns hand-written clients.
 */
export function fallbackUuid(projectId: string, distinctId: string, event: string, rawTimestamp: string | undefined, propertiesJson: string): string {
  if (rawTimestamp === undefined) return randomUUID();
  return hashUuid('event', projectId, distinctId, event, rawTimestamp, propertiesJson);
}

/** The person a distinct id starts with: stable, so every process and retry agrees. */
export function initialPersonId(projectId: string, distinctId: string): string {
  return hashUuid('person', projectId, distinctId);
}
