import { FupanError } from '../../../core/errors/index.js';
import type { ReaderOptions, SourceRow, TableReader } from '../types.js';
import { openText } from './text.js';

/** How many leading lines name the columns of an NDJSON file (keys can vary by line). */
const SNIFF_LINES = 1000;

async function* lines(stream: AsyncIterable<string>): AsyncGenerator<{ line: number; text: string }> {
  let rest = '';
  let n = 0;
  for await (const chunk of stream) {
    const text = rest + chunk;
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end === -1) break;
      n++;
      yield { line: n, text: text.slice(start, end) };
      start = end + 1;
    }
    rest = text.slice(start);
  }
  if (rest) yield { line: n + 1, text: rest };
}

function parseLine(text: string): { value?: Record<string, unknown>; error?: string } {
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return { error: 'the line is not a JSON object' };
    return { value: v as Record<string, unknown> };
  } catch (e) {
    return { error: `invalid JSON (${(e as Error).message})` };
  }
}

/**
 * Newline-delimited JSON: one object per line, numbered by line. The columns are the keys
 * of the first lines (up to 1,000); the first line must be a JSON object, or the file is
 * not NDJSON and nothing is imported.
 */
export async function openNdjson(file: string, options: ReaderOptions = {}): Promise<TableReader> {
  const text = await openText(file, options.encoding);
  const { stream, raw, bytesRead } = text.open();
  const it = lines(stream as AsyncIterable<string>)[Symbol.asyncIterator]();
  const buffered: { line: number; text: string }[] = [];
  const keys = new Set<string>();
  let firstSeen = false;
  try {
    while (buffered.length < SNIFF_LINES) {
      const next = await it.next();
      if (next.done) break;
      buffered.push(next.value);
      if (!next.value.text.trim()) continue;
      const parsed = parseLine(next.value.text);
      if (!firstSeen) {
        firstSeen = true;
        if (parsed.error) {
          throw new FupanError('import_file_unreadable', { file, problem: `line ${next.value.line} is not NDJSON: ${parsed.error}` });
        }
      }
      if (parsed.value) for (const k of Object.keys(parsed.value)) keys.add(k);
    }
  } catch (e) {
    raw.destroy();
    if (e instanceof FupanError) throw e;
    throw new FupanError('import_file_unreadable', { file, problem: (e as Error).message }, { cause: e });
  }
  if (!firstSeen) {
    raw.destroy();
    throw new FupanError('import_file_unreadable', { file, problem: 'the file is empty' });
  }

  async function* rows(): AsyncGenerator<SourceRow> {
    try {
      const all = async function* () {
        yield* buffered.splice(0);
        for (;;) {
          const next = await it.next();
          if (next.done) return;
          yield next.value;
        }
      };
      for await (const { line, text: t } of all()) {
        if (!t.trim()) continue;
        const parsed = parseLine(t);
        yield parsed.value ? { row: line, values: parsed.value } : { row: line, values: {}, error: parsed.error! };
      }
    } finally {
      raw.destroy();
    }
  }

  return {
    format: 'ndjson',
    columns: [...keys],
    rows: rows(),
    progress: () => ({ done: bytesRead(), total: text.size, unit: 'bytes' }),
    close: async () => {
      raw.destroy();
    },
  };
}
