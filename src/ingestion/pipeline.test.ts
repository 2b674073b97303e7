import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage, type TestStorage } from '../../test/helpers/storage.js';
import { compile, sql } from '../sql/index.js';
import { FLAGS } from './config.js';
import { createIngestor, type Ingestor } from './pipeline.js';
import { SeenSince } from './dedup.js';
import { writerFor } from './writer.js';

const U = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`;

describe('ingestion pipeline (real chDB)', () => {
  let s: TestStorage;
  let ing: Ingestor;
  const q = async <T = Record<string, unknown>>(f: ReturnType<typeof sql>) => s.engine.query<T>(compile(f));

  beforeAll(async () => {
    s = await openTestStorage();
    ing = createIngestor(s.engine, { futureToleranceSeconds: 3600 });
  });
  afterAll(async () => s?.close());

  it('writes good events in UTC and acknowledges only after the insert', async () => {
    const r = await ing.ingest('p1', [
      { event: 'page', distinct_id: 'a', uuid: U(1), timestamp: '2026-03-01T08:00:00+08:00', properties: { channel: 'ads' } },
      { event: 'page', distinct_id: 42, uuid: U(2), timestamp: '2026-03-01 01:00:00' },
    ]);
    expect(r).toEqual({ accepted: 2, duplicates: 0, clamped: 0, rejected: [] });
    const rows = await q<{ ts: string; d: string; channel: string }>(sql`SELECT toString(timestamp) AS ts, distinct_id AS d, channel FROM events WHERE project_id = 'p1' ORDER BY uuid`);
    expect(rows).toEqual([
      { ts: '2026-03-01 00:00:00.000', d: 'a', channel: 'ads' },
      { ts: '2026-03-01 01:00:00.000', d: '42', channel: '' },
    ]);
  });

  it('keeps the valid events of a mixed batch and names each rejected one', async () => {
    const r = await ing.ingest('p2', [
      { event: 'ok', distinct_id: 'a' },
      { distinct_id: 'a' },
      'nope',
      { event: 'x', distinct_id: '' },
      { event: 'x', distinct_id: 'a', uuid: 'not-a-uuid' },
      { event: 'x', distinct_id: 'a', timestamp: 'yesterday-ish' },
      { event: 'x', distinct_id: 'a', properties: [1, 2] },
      { event: 'ok2', properties: { distinct_id: 'from-props' } },
    ] as never);
    expect(r.accepted).toBe(2);
    expect(r.rejected.map((x) => [x.index, x.code])).toEqual([
      [1, 'event_invalid_name'],
      [2, 'event_not_object'],
      [3, 'event_invalid_distinct_id'],
      [4, 'event_invalid_uuid'],
      [5, 'event_invalid_timestamp'],
      [6, 'event_invalid_properties'],
    ]);
    expect(r.rejected[0]!.messageZh).toContain('`event`');
  });

  it('strict mode writes nothing when one event is invalid', async () => {
    const r = await ing.ingest('p3', [{ event: 'ok', distinct_id: 'a' }, { event: '' }], { strict: true });
    expect(r.accepted).toBe(0);
    expect(r.rejected).toHaveLength(1);
    const { n } = (await q<{ n: number }>(sql`SELECT count() AS n FROM events WHERE project_id = 'p3'`))[0]!;
    expect(n).toBe(0);
  });

  it('never double-counts a retried batch, nor a uuid repeated inside one batch', async () => {
    const batch = [1, 2, 3].map((i) => ({ event: 'buy', distinct_id: 'r', uuid: U(100 + i), timestamp: '2026-03-02T00:00:00Z' }));
    expect((await ing.ingest('p4', batch)).accepted).toBe(3);
    expect(await ing.ingest('p4', batch)).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(await ing.ingest('p4', [...batch, { ...batch[0]!, uuid: U(200) }, { ...batch[0]!, uuid: U(200) }])).toMatchObject({ accepted: 1, duplicates: 4 });
    // Concurrent retries race through the serialised writer.
    const again = await Promise.all([ing.ingest('p4', batch), ing.ingest('p4', [{ event: 'buy', distinct_id: 'r', uuid: U(300) }]), ing.ingest('p4', [{ event: 'buy', distinct_id: 'r', uuid: U(300) }])]);
    expect(again.map((r) => r.accepted)).toEqual([0, 1, 0]);
    // Without a uuid but with a client timestamp, a retry derives the same uuid.
    const noUuid = [{ event: 'buy', distinct_id: 'r', timestamp: '2026-03-02T00:00:01Z', properties: { revenue: 5 } }];
    expect((await ing.ingest('p4', noUuid)).accepted).toBe(1);
    expect((await ing.ingest('p4', noUuid)).duplicates).toBe(1);
    // With the in-memory state dropped (as after a restart), the table lookup answers.
    writerFor(s.engine).invalidate('p4');
    expect(await ing.ingest('p4', batch)).toMatchObject({ accepted: 0, duplicates: 3 });
    const { n } = (await q<{ n: number }>(sql`SELECT count() AS n FROM events WHERE project_id = 'p4'`))[0]!;
    expect(n).toBe(6);
  });

  it('the in-memory dedup state stays exact when its watermark moves', () => {
    const since = new SeenSince('0190', 2);
    for (const u of ['0191', '0192', '0193']) since.add(u);
    // Cap exceeded: the watermark is now 0193 and older uuids go to the table.
    expect([since.settles('0192'), since.settles('0194'), since.has('0194')]).toEqual([false, true, false]);
    since.add('0194');
    expect(since.has('0194')).toBe(true);
  });

  it('corrects clock skew from sent_at, uses offset, stamps missing times, clamps the future', async () => {
    const receivedAt = new Date('2026-03-03T12:00:00.000Z');
    const r = await ing.ingest(
      'p5',
      [
        // The client clock is 2 hours fast: sent_at says 14:00, the event 10 s before.
        { event: 'skew', distinct_id: 'c', uuid: U(1), timestamp: '2026-03-03T13:59:50.000Z' },
        { event: 'offset', distinct_id: 'c', uuid: U(2), offset: 5000 },
        { event: 'missing', distinct_id: 'c', uuid: U(3) },
        { event: 'ignore', distinct_id: 'c', uuid: U(4), timestamp: '2026-03-03T13:59:00.000Z', properties: { $ignore_sent_at: true } },
      ],
      { sentAt: '2026-03-03T14:00:00.000Z', receivedAt },
    );
    expect(r.clamped).toBe(1);
    const future = await ing.ingest('p5', [{ event: 'future', distinct_id: 'c', uuid: U(5), timestamp: '2026-03-05T00:00:00Z' }], { receivedAt });
    expect(future.clamped).toBe(1);
    const rows = await q<{ event: string; ts: string; flags: number }>(sql`SELECT event, toString(timestamp) AS ts, flags FROM events WHERE project_id = 'p5' ORDER BY uuid`);
    expect(rows).toEqual([
      { event: 'skew', ts: '2026-03-03 11:59:50.000', flags: FLAGS.skewCorrected },
      { event: 'offset', ts: '2026-03-03 11:59:55.000', flags: FLAGS.skewCorrected },
      { event: 'missing', ts: '2026-03-03 12:00:00.000', flags: FLAGS.receiveTime },
      { event: 'ignore', ts: '2026-03-03 12:00:00.000', flags: FLAGS.futureClamped },
      { event: 'future', ts: '2026-03-03 12:00:00.000', flags: FLAGS.futureClamped },
    ]);
  });

});
