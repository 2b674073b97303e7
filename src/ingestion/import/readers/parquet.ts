import { stat } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { asyncBufferFromFile, type Compressors, type FileMetaData, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { FupanError } from '../../../core/errors/index.js';
import type { SourceRow, TableReader } from '../types.js';

/** Rows decoded per read: bounds memory whatever the file's row-group size. */
const SLICE_ROWS = 50_000;

const COMPRESSORS: Compressors = {
  GZIP: (input) => new Uint8Array(gunzipSync(input)),
  BROTLI: (input) => new Uint8Array(brotliDecompressSync(input)),
};
const SUPPORTED_CODECS = new Set(['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'BROTLI']);

/** A Parquet cell as a plain JSON-able value: bigint → number (or text past 2^53), bytes → text. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Date || v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = plain(x);
  return out;
}

/**
 * Parquet through hyparquet, read in slices of at most 50,000 rows (never a whole file or
 * a whole 1M-row group at once). The footer is read and every column's compression is
 * checked first, so a file this reader cannot decode fails before anything is written.
 */
export async function openParquet(file: string): Promise<TableReader> {
  let metadata: FileMetaData;
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new Error('not a regular file');
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (e) {
    throw new FupanError('import_file_unreadable', { file, problem: `not a readable Parquet file (${(e as Error).message})` }, { cause: e });
  }
  const codecs = new Set<string>();
  for (const g of metadata.row_groups) for (const c of g.columns) if (c.meta_data) codecs.add(c.meta_data.codec);
  const unsupported = [...codecs].filter((c) => !SUPPORTED_CODECS.has(c));
  if (unsupported.length) {
    throw new FupanError('import_file_unreadable', {
      file,
      problem: `it is compressed with ${unsupported.join(', ')}, which fupan cannot decode; write it with snappy, gzip or no compression (pandas/polars: compression="snappy"; ClickHouse: output_format_parquet_compression_method='snappy')`,
    });
  }
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  const total = Number(metadata.num_rows);
  let done = 0;

  async function* rows(): AsyncGenerator<SourceRow> {
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupRows = Number(group.num_rows);
      for (let start = groupStart; start < groupStart + groupRows; start += SLICE_ROWS) {
        const end = Math.min(start + SLICE_ROWS, groupStart + groupRows);
        const slice = await parquetReadObjects({ file: buffer, metadata, rowStart: start, rowEnd: end, compressors: COMPRESSORS });
        for (let i = 0; i < slice.length; i++) {
          const raw = slice[i]!;
          const values: Record<string, unknown> = {};
          for (const k of columns) values[k] = plain(raw[k]);
          done = start + i + 1;
          yield { row: start + i + 1, values };
        }
      }
      groupStart += groupRows;
    }
  }

  return {
    format: 'parquet',
    columns,
    rows: rows(),
    progress: () => ({ done, total, unit: 'rows' }),
    close: async () => undefined,
  };
}
