/**
 * The contract between the edges that receive events (capture API, file import) and the
 * ingestion pipeline. Both hand raw events to one `EventIngestor`, so validation,
 * timestamps, idempotency and identity behave the same whichever way events arrive.
 */

/** An event as a client sends it (PostHog's capture shape); nothing is trusted yet. */
export interface RawEvent {
  event?: unknown;
  distinct_id?: unknown;
  uuid?: unknown;
  timestamp?: unknown;
  /** PostHog SDKs may send an offset in ms instead of a timestamp. */
  offset?: unknown;
  properties?: unknown;
  $set?: unknown;
  $set_once?: unknown;
  [key: string]: unknown;
}

export interface IngestOptions {
  /** When the client says it sent the batch (for clock-skew correction). */
  sentAt?: string | undefined;
  /** When the server received it; defaults to now. */
  receivedAt?: Date;
  /** Reject the whole batch when any event is invalid. */
  strict?: boolean;
}

/** One rejected event: its position in the batch (or row number in a file), a code and messages. */
export interface Rejection {
  index: number;
  code: string;
  message: string;
  messageZh?: string;
  /** The values the message was filled from (e.g. `field`). */
  details?: Record<string, unknown>;
}

export interface IngestResult {
  /** Events written now. */
  accepted: number;
  /** Events skipped because their uuid was already stored (a retried batch). */
  duplicates: number;
  /** Events whose timestamp was in the future beyond tolerance and was clamped. */
  clamped: number;
  rejected: Rejection[];
}

/** Writes events for one project; resolves only after they are durably written. */
export interface EventIngestor {
  ingest(projectId: string, events: readonly RawEvent[], options?: IngestOptions): Promise<IngestResult>;
}
