import type { InsertSource } from './engine.js';

/** Parses JSONEachRow text into objects. */
export function parseJsonEachRow<T>(text: string): T[] {
  const out: T[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) out.push(JSON.parse(text.slice(start, end)) as T);
    start = end + 1;
  }
  return out;
}

/** Serialises rows to JSONEachRow chunks of about `chunkBytes`, for streaming inserts. */
export async function* toJsonEachRowChunks(
  rows: InsertSource,
  chunkBytes = 4 * 1024 * 1024,
  counter?: { rows: number },
): AsyncGenerator<Buffer> {
  let buf: string[] = [];
  let size = 0;
  for await (const row of rows as AsyncIterable<Record<string, unknown>>) {
    const line = JSON.stringify(row) + '\n';
    buf.push(line);
    size += line.length;
    if (counter) counter.rows++;
    if (size >= chunkBytes) {
      yield Buffer.from(buf.join(''));
      buf = [];
      size = 0;
    }
  }
  if (buf.length) yield Buffer.from(buf.join(''));
}
