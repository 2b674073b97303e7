import { FupanError, isFupanError } from '../core/errors/index.js';
import { DEFAULT_INGEST_CONFIG, FLAGS, type IngestConfig } from './config.js';
import { normalizeEvent, rejection, type NormalizedEvent } from './normalize.js';
import { parseInstant } from './timestamp.js';
import type { EventIngestor, IngestOptions, IngestResult, RawEvent, Rejection } from './types.js';
import { writerFor, type SerialWriter } from './writer.js';
import type { Engine } from '../storage/engine.js';

/**
 * The ingestion pipeline every edge uses (capture API, file import):
 * validate → normalise (ids, names, UTC time with skew correction and future clamp) →
 * [serialised writer: dedup against stored uuids and within the group → identity →
 * insert]. Resolves after the insert resolved; nothing is acknowledged before.
 *
 * @example
 * const ingestor = createIngestor(engine, { futureToleranceSeconds: config.futureToleranceSeconds });
 * const result = await ingestor.ingest(projectId, body.batch, { sentAt: body.sent_at });
 */
export class Ingestor implements EventIngestor {
  readonly config: IngestConfig;
  readonly writer: SerialWriter;

  constructor(engine: Engine, config: Partial<IngestConfig> = {}) {
    this.config = { ...DEFAULT_INGEST_CONFIG, ...config };
    this.writer = writerFor(engine, this.config);
  }

  async ingest(projectId: string, events: readonly RawEvent[], options: IngestOptions = {}): Promise<IngestResult> {
    const receivedAtMs = (options.receivedAt ?? new Date()).getTime();
    const sentAtMs = options.sentAt === undefined ? NaN : parseInstant(options.sentAt);
    const ctx = { projectId, receivedAtMs, sentAtMs, futureToleranceMs: this.config.futureToleranceSeconds * 1000 };
    const good: NormalizedEvent[] = [];
    const rejected: Rejection[] = [];
    for (let i = 0; i < events.length; i++) {
      let r: NormalizedEvent | Rejection;
      try {
        r = normalizeEvent(events[i], i, ctx);
      } catch {
        r = rejection(i, 'event_not_object', { field: '(event)' });
      }
      if ('linePrefix' in r) good.push(r);
      else rejected.push(r);
    }
    const strict = options.strict ?? this.config.strict;
    if ((strict && rejected.length) || !good.length) return { accepted: 0, duplicates: 0, clamped: 0, rejected };
    let duplicates: number[];
    try {
      ({ duplicates } = await this.writer.write(projectId, good));
    } catch (e) {
      if (isFupanError(e) && e.code !== 'query_failed') throw e;
      const problem = isFupanError(e) ? String(e.details['problem'] ?? e.message) : e instanceof Error ? e.message : String(e);
      throw new FupanError('ingest_unavailable', { problem: problem.slice(0, 300) }, { cause: e });
    }
    const dup = new Set(duplicates);
    let clamped = 0;
    for (const e of good) if (e.flags & FLAGS.futureClamped && !dup.has(e.index)) clamped++;
    return { accepted: good.length - duplicates.length, duplicates: duplicates.length, clamped, rejected };
  }
}

export function createIngestor(engine: Engine, config: Partial<IngestConfig> = {}): Ingestor {
  return new Ingestor(engine, config);
}
