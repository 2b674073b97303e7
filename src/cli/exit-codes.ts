import type { ErrorCode } from '../core/errors/index.js';

/**
 * Exit codes that mean something to scripts:
 * 0 success · 1 failure in the engine or unexpected · 2 invalid input, usage or config ·
 * 3 not found · 4 data directory in use by another process · 5 not allowed ·
 * 6 partial success (an import that rejected some rows).
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  locked: 4,
  denied: 5,
  partial: 6,
} as const;

export function exitCodeFor(code: ErrorCode | string): number {
  switch (code) {
    case 'invalid_input':
    case 'invalid_json':
    case 'config_invalid':
    case 'payload_too_large':
    case 'too_expensive':
    case 'unsupported_media_type':
      return EXIT.usage;
    case 'not_found':
      return EXIT.notFound;
    case 'data_dir_locked':
      return EXIT.locked;
    case 'unauthorized':
    case 'forbidden':
    case 'invalid_credentials':
    case 'session_expired':
    case 'csrf_failed':
      return EXIT.denied;
    default:
      return EXIT.failure;
  }
}
