import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Lang } from '../../core/lang.js';

export interface RejectRecord {
  row: number;
  field: string;
  value: string;
  code: string;
  reason: string;
}

const HEADER: Record<Lang, string[]> = {
  'en-US': ['row', 'field', 'value', 'code', 'reason'],
  'zh-CN': ['行号', '字段', '值', '错误码', '原因'],
};

function csvCell(v: string | number): string {
  let s = String(v);
  // A cell starting with = or @ would run as a formula when the file is opened in Excel.
  if (/^[=@]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * `<file>.rejects.csv`: one line per rejected row with its row number and the reason in
 * the user's language. Created on the first rejection only (UTF-8 with a BOM, so Excel
 * shows Chinese correctly); writes respect the stream's backpressure.
 */
export class RejectWriter {
  private out: WriteStream | undefined;
  private failed: Error | undefined;
  count = 0;

  constructor(
    readonly path: string,
    private readonly lang: Lang,
  ) {}

  /** Removes a reject file left by an earlier run, so a clean import leaves none behind. */
  async clearStale(): Promise<void> {
    await rm(this.path, { force: true });
  }

  async write(r: RejectRecord): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.out) {
      this.out = createWriteStream(this.path, { encoding: 'utf8' });
      this.out.on('error', (e) => (this.failed = e));
      this.out.write('\uFEFF' + HEADER[this.lang].join(',') + '\n');
    }
    this.count++;
    const value = r.value.length > 200 ? r.value.slice(0, 200) + '…' : r.value;
    const ok = this.out.write([r.row, r.field, value, r.code, r.reason].map(csvCell).join(',') + '\n');
    if (!ok) await new Promise<void>((resolve) => this.out!.once('drain', resolve));
  }

  async close(): Promise<void> {
    const out = this.out;
    if (!out) return;
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    if (this.failed) throw this.failed;
  }
}
