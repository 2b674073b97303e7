import { extname } from 'node:path';
import { FupanError } from '../../core/errors/index.js';
import { IMPORT_FORMATS, type ImportFormat } from './types.js';

const BY_EXTENSION: Record<string, ImportFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.json': 'ndjson',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.xlsx': 'xlsx',
};

/** The format of `file`: `override` when given, else its extension (ignoring a trailing .gz is not supported). */
export function detectFormat(file: string, override?: string): ImportFormat {
  if (override) {
    const f = override.toLowerCase() === 'jsonl' ? 'ndjson' : override.toLowerCase();
    if ((IMPORT_FORMATS as readonly string[]).includes(f)) return f as ImportFormat;
    throw new FupanError('import_format_unsupported', { file, problem: `--format ${override}` });
  }
  const ext = extname(file).toLowerCase();
  const format = BY_EXTENSION[ext];
  if (!format) {
    throw new FupanError('import_format_unsupported', { file, problem: ext ? `extension ${ext}` : 'no extension' });
  }
  return format;
}
