import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventIngestor } from '../types.js';
import { runImport } from './runner.js';

/**
 * Streaming, without a database: a generated CSV flows through the real reader, mapping
 * and validation into an ingestor that only counts. The file is never held: at most two
 * batches are in flight, and the heap retained after a GC does not grow with the rows read.
 * (`npm run bench -- import` measures the same end to end on chDB.)
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const dir = mkdtempSync(join(tmpdir(), 'fupan-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function generate(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('event,distinct_id,timestamp,properties.channel,properties.note\n');
  let buf = '';
  for (let i = 0; i < rows; i++) {
    buf += `${i % 1000 === 999 ? '' : 'tick'},u${i % 5000},2024-03-01 ${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},douyin,some text to make the row longer ${i}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

describe('streaming', () => {
  it('holds at most two batches and a flat heap while 200,000 rows stream', { timeout: 180_000 }, async () => {
    const file = join(dir, 'big.csv');
    await generate(file, 200_000);
    let inFlight = 0;
    let maxInFlight = 0;
    let maxBatch = 0;
    const ingestor: EventIngestor = {
      async ingest(_p, events) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        maxBatch = Math.max(maxBatch, events.length);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return { accepted: events.length, duplicates: 0, clamped: 0, rejected: [] };
      },
    };
    const heap: number[] = [];
    let next = 40_000;
    const s = await runImport(
      { ingestor },
      {
        projectId: 'p',
        kind: 'events',
        file,
        timeZone: 'Asia/Shanghai',
        currency: 'CNY',
        lang: 'en-US',
        batchSize: 5000,
        rejectsPath: join(dir, 'big.rejects.csv'),
        onProgress: (p) => {
          if (p.rows >= next) {
            next += 40_000;
            gc();
            heap.push(process.memoryUsage().heapUsed);
          }
        },
      },
    );
    expect(s.rows).toBe(200_000);
    expect(s.accepted).toBe(199_800);
    expect(s.rejected).toBe(200);
    expect(maxBatch).toBeLessThanOrEqual(5000);
    expect(maxInFlight).toBe(1);
    // Retained heap from the first sample (40k rows) to the last (200k): flat, not +5×.
    expect(heap.length).toBeGreaterThanOrEqual(5);
    const growthMB = (Math.max(...heap) - heap[0]!) / 1024 / 1024;
    expect(growthMB).toBeLessThan(30);
  });
});
