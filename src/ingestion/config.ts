/** Settings of the ingestion pipeline; entry points fill them from the parsed config. */
export interface IngestConfig {
  /** Events later than receive time + this (after skew correction) are clamped to receive time and flagged. */
  futureToleranceSeconds: number;
  /** Reject a whole batch when one event is invalid. */
  strict: boolean;
  /** Most distinct ids (and persons) kept in the in-memory identity cache per process. */
  identityCacheSize: number;
  /** Most events the writer puts into one engine insert when it coalesces queued batches. */
  maxEventsPerInsert: number;
}

export const DEFAULT_INGEST_CONFIG: IngestConfig = {
  futureToleranceSeconds: 3600,
  strict: false,
  identityCacheSize: 1_000_000,
  maxEventsPerInsert: 100_000,
};

/** Bits of `events.flags`. */
export const FLAGS = {
  /** The timestamp was beyond the future tolerance and was clamped to the receive time. */
  futureClamped: 1,
  /** The event carried no timestamp (nor offset): it is stamped with the receive time. */
  receiveTime: 2,
  /** The timestamp was corrected for the client's clock skew (`sent_at`) or came from `offset`. */
  skewCorrected: 4,
} as const;
