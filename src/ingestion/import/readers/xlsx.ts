import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { FupanError } from '../../../core/errors/index.js';
import type { SourceRow, TableReader } from '../types.js';
import { wallClockText } from '../values.js';
import { uniqueHeaders } from './csv.js';

/**
 * A cell's value as text / number / boolean. Excel dates carry a wall-clock time (Excel
 * has no time zones), so they become `YYYY-MM-DD hh:mm:ss.sss` text that the timestamp
 * parser reads in the project's time zone.
 */
export function cellValue(v: unknown): unknown {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return wallClockText(v);
  if (typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.richText)) return (o.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
  if ('result' in o) return cellValue(o.result);
  if ('formula' in o || 'sharedFormula' in o) return '';
  if (typeof o.text === 'string') return o.text;
  if ('error' in o) return '';
  return JSON.stringify(o);
}

/**
 * XLSX through exceljs's streaming WorkbookReader: the first worksheet only, the first
 * non-empty row is the header, rows are numbered as Excel shows them.
 */
export async function openXlsx(file: string): Promise<TableReader> {
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
    const fh = await open(file, 'r');
    try {
      const magic = Buffer.alloc(4);
      await fh.read(magic, 0, 4, 0);
      // XLSX is a zip archive; an old .xls (OLE2) or a renamed CSV is not.
      if (magic.readUInt32LE(0) !== 0x04034b50) {
        throw new Error(magic[0] === 0xd0 && magic[1] === 0xcf ? 'this is an old .xls workbook; save it as .xlsx or CSV' : 'not an XLSX (zip) file');
      }
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new FupanError('import_file_unreadable', { file, problem: (e as Error).message }, { cause: e });
  }

  const input = createReadStream(file, { highWaterMark: 256 * 1024 });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });

  const sheets = reader[Symbol.asyncIterator]();
  let rowIt: AsyncIterator<ExcelJS.Row> | undefined;
  let header: ExcelJS.Row | undefined;
  try {
    const sheet = await sheets.next();
    if (sheet.done) throw new Error('the workbook has no worksheet');
    rowIt = (sheet.value as AsyncIterable<ExcelJS.Row>)[Symbol.asyncIterator]();
    for (;;) {
      const next = await rowIt.next();
      if (next.done) break;
      const vals = (next.value.values as unknown[]).slice(1).map(cellValue);
      if (vals.some((x) => String(x).trim() !== '')) {
        header = next.value;
        break;
      }
    }
    if (!header) throw new Error('the first worksheet is empty (no header row)');
  } catch (e) {
    input.destroy();
    throw new FupanError('import_file_unreadable', { file, problem: (e as Error).message }, { cause: e });
  }
  const headerCells = (header.values as unknown[]).slice(1).map(cellValue);
  while (headerCells.length && String(headerCells[headerCells.length - 1]).trim() === '') headerCells.pop();
  const columns = uniqueHeaders(headerCells);
  const it = rowIt;

  async function* rows(): AsyncGenerator<SourceRow> {
    try {
      for (;;) {
        const next = await it.next();
        if (next.done) break;
        const cells = next.value.values as unknown[];
        const values: Record<string, unknown> = {};
        let any = false;
        for (let i = 0; i < columns.length; i++) {
          const v = cellValue(cells[i + 1]);
          if (v !== '') any = true;
          values[columns[i]!] = v;
        }
        if (any) yield { row: next.value.number, values };
      }
    } finally {
      input.destroy();
    }
  }

  return {
    format: 'xlsx',
    columns,
    rows: rows(),
    progress: () => ({ done: input.bytesRead, total: size, unit: 'bytes' }),
    close: async () => {
      input.destroy();
    },
  };
}
