import { describe, expect, it } from 'vitest';
import type { Engine } from '../storage/engine.js';
import { normalizeEvent, type NormalizedEvent } from './normalize.js';
import { SerialWriter } from './writer.js';

/** An engine stub: lookups find nothing; an events payload containing "poison" fails. */
function stubEngine(log: string[]): Engine {
  return {
    kind: 'clickhouse',
    query: async () => [],
    command: async () => undefined,
    insert: async (_t, rows) => ({ rows: (rows as unknown[]).length }),
    insertJsonLines: async (_t, payload) => {
      await new Promise((r) => setTimeout(r, 5));
      if (payload.toString().includes('poison')) throw new Error('cannot parse');
      log.push(payload.toString());
    },
    close: async () => undefined,
  };
}

const ctx = { projectId: 'w', receivedAtMs: Date.parse('2026-03-01T00:00:00Z'), sentAtMs: NaN, futureToleranceMs: 0 };
const ev = (name: string, i: number) => normalizeEvent({ event: name, distinct_id: 'd', uuid: `0190d000-0000-7000-8000-${String(i).padStart(12, '0')}` }, 0, ctx) as NormalizedEvent;

describe('serialised writer', () => {
  it('coalesces queued batches into one insert and acknowledges each caller', async () => {
    const log: string[] = [];
    const w = new SerialWriter(stubEngine(log), 100_000, 1000, 20_000, 0);
    const results = await Promise.all([w.write('w', [ev('a', 1)]), w.write('w', [ev('b', 2)]), w.write('w', [ev('c', 3), ev('c', 3)])]);
    expect(results.map((r) => r.written)).toEqual([1, 1, 1]);
    expect(results[2]!.duplicates).toHaveLength(1);
    // The first write starts alone; the two queued behind it go together.
    expect(log).toHaveLength(2);
    expect(log[1]!.split('\n')).toHaveLength(2);
  });

  it('a batch the engine refuses fails alone, not the batches coalesced with it', async () => {
    const log: string[] = [];
    const w = new SerialWriter(stubEngine(log), 100_000, 1000, 20_000, 0);
    const first = w.write('w', [ev('warm', 10)]);
    const settled = await Promise.allSettled([first, w.write('w', [ev('good', 11)]), w.write('w', [ev('poison', 12)]), w.write('w', [ev('fine', 13)])]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(log.join('\n')).toContain('"good"');
    expect(log.join('\n')).toContain('"fine"');
  });
});
