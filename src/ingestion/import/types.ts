/** What the import pipeline passes between its stages. */

export const IMPORT_KINDS = ['events', 'spend', 'orders', 'surveys'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const IMPORT_FORMATS = ['csv', 'ndjson', 'parquet', 'xlsx'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** One data row of a file, keyed by column (header) name. */
export interface SourceRow {
  /**
   * The row number a user finds in their own tool: the spreadsheet row for CSV / XLSX
   * (the header is row 1), the line number for NDJSON, the 1-based row for Parquet.
   */
  row: number;
  values: Record<string, unknown>;
  /** Set when the reader could not parse this row; the runner rejects it with this reason. */
  error?: string;
}

/** Reading progress: bytes for text / XLSX files, rows for Parquet. */
export interface ReadProgress {
  done: number;
  total: number;
  unit: 'bytes' | 'rows';
}

/**
 * An opened file: its header has been read (so a wrong column set is known before any
 * write), and its rows stream on demand with backpressure — nothing is buffered beyond
 * the reader's own chunk.
 */
export interface TableReader {
  format: ImportFormat;
  columns: string[];
  rows: AsyncIterable<SourceRow>;
  progress(): ReadProgress;
  close(): Promise<void>;
}

export interface ReaderOptions {
  /** Text encoding for CSV / NDJSON: `auto` (UTF-8, UTF-16 with BOM, else GB18030). */
  encoding?: string;
  /** CSV delimiter; detected from the header line when absent. */
  delimiter?: string;
}
