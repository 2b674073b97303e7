import type { Lang } from '../lang.js';
import { authErrors } from './auth.js';
import { commonErrors } from './common.js';
import { experimentErrors } from './experiments.js';
import { ingestErrors } from './ingest.js';
import { importErrors } from './import.js';
import { metricsErrors } from './metrics.js';
import { reportErrors } from './reports.js';
import { type ErrorDef, type ErrorTable, renderMessage } from './registry.js';

export type { ErrorDef, ErrorTable } from './registry.js';

/**
 * The one registry of error codes. Each area keeps its own table in a file beside this
 * one and spreads it in here, so a code is declared once, with its status and both
 * messages, and every edge (HTTP, CLI, import, config) answers it the same way.
 */
export const ERRORS = {
  ...commonErrors,
  ...ingestErrors,
  ...importErrors,
  ...authErrors,
  ...metricsErrors,
  ...reportErrors,
  ...experimentErrors,
} satisfies ErrorTable;

export type ErrorCode = keyof typeof ERRORS;

/**
 * The error every layer throws for anything a user can fix. Edges turn it into
 * `{ error: { code, message, details } }` with the status from the registry.
 *
 * @example throw new FupanError('not_found', { what: 'project', id })
 */
export class FupanError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(renderMessage(ERRORS[code], 'en-US', details), options);
    this.name = 'FupanError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return (ERRORS[this.code] as ErrorDef).status;
  }

  messageIn(lang: Lang): string {
    return renderMessage(ERRORS[this.code] as ErrorDef, lang, this.details);
  }

  toJSON(lang: Lang = 'en-US'): { code: string; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.messageIn(lang), details: this.details };
  }
}

export function isFupanError(e: unknown): e is FupanError {
  return e instanceof FupanError;
}
