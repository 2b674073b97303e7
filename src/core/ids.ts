import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Project ids are short slugs. The strict pattern matters: a project id is the one value
 * that appears inside engine settings (`additional_table_filters`) rather than as a typed
 * parameter, so it must never carry a quote or a space.
 */
export const PROJECT_ID_PATTERN = /^[a-z][a-z0-9_-]{1,39}$/;

export function isProjectId(id: string): boolean {
  return PROJECT_ID_PATTERN.test(id);
}

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A random id with a readable prefix, e.g. `p_7k2mq9xa4c`. */
export function newId(prefix: string, length = 10): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${out}`;
}

export function newUuid(): string {
  return randomUUID();
}
