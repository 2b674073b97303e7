import type { ImportFormat, ReaderOptions, TableReader } from '../types.js';
import { openCsv } from './csv.js';
import { openNdjson } from './ndjson.js';
import { openParquet } from './parquet.js';
import { openXlsx } from './xlsx.js';

/** Opens `file` in `format`: reads its header (or footer) and returns the streaming rows. */
export function openReader(file: string, format: ImportFormat, options: ReaderOptions = {}): Promise<TableReader> {
  switch (format) {
    case 'csv':
      return openCsv(file, options);
    case 'ndjson':
      return openNdjson(file, options);
    case 'parquet':
      return openParquet(file);
    case 'xlsx':
      return openXlsx(file);
  }
}
