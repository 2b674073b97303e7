export type { EventIngestor, RawEvent, IngestOptions, IngestResult, Rejection } from './types.js';
export { DEFAULT_INGEST_CONFIG, FLAGS, type IngestConfig } from './config.js';
export { Ingestor, createIngestor } from './pipeline.js';
export { captureEventSchema, checkEvent } from './validate.js';
export { resolveTimestamp, parseInstant } from './timestamp.js';
export { writerFor, SerialWriter, type WriterStats } from './writer.js';
