import { describe, expect, it } from 'vitest';
import { FLAGS } from './config.js';
import { resolveTimestamp, parseInstant } from './timestamp.js';
import { captureEventSchema, checkEvent } from './validate.js';

const UUID = '0190a000-0000-7000-8000-000000000001';

/** Events at the edges of every rule; the fast path and the zod schema must agree on each. */
const CORPUS: unknown[] = [
  { event: 'e', distinct_id: 'd' },
  { event: ' e ', distinct_id: ' d ' },
  { event: '   ', distinct_id: 'd' },
  { event: '', distinct_id: 'd' },
  { event: 'x'.repeat(200), distinct_id: 'd' },
  { event: 'x'.repeat(201), distinct_id: 'd' },
  { event: ` ${'x'.repeat(200)} `, distinct_id: 'd' },
  { event: 5, distinct_id: 'd' },
  { event: null, distinct_id: 'd' },
  { distinct_id: 'd' },
  { event: 'e' },
  { event: 'e', distinct_id: '' },
  { event: 'e', distinct_id: 12 },
  { event: 'e', distinct_id: Number.NaN },
  { event: 'e', distinct_id: true },
  { event: 'e', distinct_id: ['a'] },
  { event: 'e', distinct_id: 'd'.repeat(201) },
  { event: 'e', properties: { distinct_id: 'p' } },
  { event: 'e', properties: { distinct_id: '' } },
  { event: 'e', properties: null },
  { event: 'e', distinct_id: 'd', properties: null },
  { event: 'e', distinct_id: 'd', properties: [] },
  { event: 'e', distinct_id: 'd', properties: 'x' },
  { event: 'e', distinct_id: 'd', uuid: UUID },
  { event: 'e', distinct_id: 'd', uuid: UUID.toUpperCase() },
  { event: 'e', distinct_id: 'd', uuid: null },
  { event: 'e', distinct_id: 'd', uuid: 'abc' },
  { event: 'e', distinct_id: 'd', uuid: 7 },
  { event: 'e', distinct_id: 'd', uuid: `${UUID}0` },
  { event: 'e', distinct_id: 'd', timestamp: '2026-01-01T00:00:00Z' },
  { event: 'e', distinct_id: 'd', timestamp: '2026-01-01 00:00:00' },
  { event: 'e', distinct_id: 'd', timestamp: '2026-01-01' },
  { event: 'e', distinct_id: 'd', timestamp: '2026-01-01T08:00:00+08:00' },
  { event: 'e', distinct_id: 'd', timestamp: 1767225600000 },
  { event: 'e', distinct_id: 'd', timestamp: 'tomorrow' },
  { event: 'e', distinct_id: 'd', timestamp: Number.POSITIVE_INFINITY },
  { event: 'e', distinct_id: 'd', timestamp: {} },
  { event: 'e', distinct_id: 'd', timestamp: null },
  { event: 'e', distinct_id: 'd', offset: 10 },
  { event: 'e', distinct_id: 'd', offset: -1 },
  { event: 'e', distinct_id: 'd', offset: '10' },
  { event: 'e', distinct_id: 'd', $set: { a: 1 } },
  { event: 'e', distinct_id: 'd', $set: [1] },
  { event: 'e', distinct_id: 'd', $set_once: 'x' },
  { event: 'e', distinct_id: 'd', properties: { $set: 5 } },
  { event: 'e', distinct_id: 'd', properties: { $set_once: { a: 1 } } },
  null,
  'e',
  [],
  42,
];

describe('event validation', () => {
  it('the fast path gives the zod schema verdict on every corpus event', () => {
    for (const raw of CORPUS) {
      const fast = checkEvent(raw) === undefined;
      const zod = captureEventSchema.safeParse(raw).success;
      expect([JSON.stringify(raw)?.slice(0, 60), fast]).toEqual([JSON.stringify(raw)?.slice(0, 60), zod]);
    }
  });

  it('names the failing field', () => {
    expect(checkEvent({ event: 'e', distinct_id: 'd', offset: -1 })).toEqual({ code: 'event_invalid_timestamp', field: 'offset' });
    expect(checkEvent({ event: 'e', distinct_id: 'd', properties: { $set: 5 } })).toEqual({ code: 'event_invalid_properties', field: 'properties.$set' });
  });
});

describe('timestamps', () => {
  const base = { offset: undefined, sentAtMs: NaN, receivedAtMs: Date.parse('2026-03-01T12:00:00Z'), ignoreSentAt: false, futureToleranceMs: 60_000 };
  it('reads times without a zone as UTC', () => {
    expect(parseInstant('2026-03-01 08:00:00')).toBe(Date.parse('2026-03-01T08:00:00Z'));
    expect(parseInstant('2026-03-01T08:00:00+08:00')).toBe(Date.parse('2026-03-01T00:00:00Z'));
  });
  it('keeps a slightly future time within tolerance and clamps beyond it', () => {
    expect(resolveTimestamp({ ...base, timestamp: '2026-03-01T12:00:30Z' })).toEqual({ ok: true, ms: Date.parse('2026-03-01T12:00:30Z'), flags: 0 });
    expect(resolveTimestamp({ ...base, timestamp: '2026-03-01T12:02:00Z' })).toEqual({ ok: true, ms: base.receivedAtMs, flags: FLAGS.futureClamped });
  });
  it('corrects a slow client clock from sent_at', () => {
    const r = resolveTimestamp({ ...base, timestamp: '2026-03-01T09:59:00Z', sentAtMs: Date.parse('2026-03-01T10:00:00Z') });
    expect(r).toEqual({ ok: true, ms: Date.parse('2026-03-01T11:59:00Z'), flags: FLAGS.skewCorrected });
  });
});
