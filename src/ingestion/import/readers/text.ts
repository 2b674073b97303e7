import { createReadStream, type ReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { FupanError } from '../../../core/errors/index.js';

/** The encodings a text import understands (Excel on Chinese Windows writes GB18030 / UTF-16). */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'gb18030';

export interface TextSource {
  size: number;
  encoding: TextEncoding;
  /** The first bytes decoded (for header sniffing); never more than 64 KiB. */
  head: string;
  /** A fresh stream of decoded text chunks, BOM removed; `bytesRead()` tracks progress. */
  open(): { stream: NodeJS.ReadableStream; raw: ReadStream; bytesRead(): number };
}

const HEAD_BYTES = 64 * 1024;

function normaliseEncoding(file: string, name: string): TextEncoding | 'auto' {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (n === 'auto') return 'auto';
  if (n === 'utf8') return 'utf-8';
  if (n === 'utf16le' || n === 'utf16' || n === 'ucs2') return 'utf-16le';
  if (n === 'gb18030' || n === 'gbk' || n === 'gb2312') return 'gb18030';
  throw new FupanError('import_file_unreadable', { file, problem: `unknown encoding ${name}; use utf-8, utf-16le, gb18030 or auto` });
}

/**
 * Opens a text file for streaming: checks it can be read, detects its encoding from the
 * first bytes (a BOM, else valid UTF-8, else GB18030) and returns a decoder factory.
 * Throws `import_file_unreadable` before anything else happens.
 */
export async function openText(file: string, encodingOption = 'auto'): Promise<TextSource> {
  let size: number;
  let headBytes: Buffer;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
    const fh = await open(file, 'r');
    try {
      headBytes = Buffer.alloc(Math.min(HEAD_BYTES, size));
      await fh.read(headBytes, 0, headBytes.length, 0);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new FupanError('import_file_unreadable', { file, problem: (e as Error).message }, { cause: e });
  }
  let encoding: TextEncoding;
  let bom = 0;
  const wanted = normaliseEncoding(file, encodingOption);
  if (headBytes[0] === 0xef && headBytes[1] === 0xbb && headBytes[2] === 0xbf) {
    encoding = 'utf-8';
    bom = 3;
  } else if (headBytes[0] === 0xff && headBytes[1] === 0xfe) {
    encoding = 'utf-16le';
    bom = 2;
  } else if (wanted !== 'auto') {
    encoding = wanted;
  } else {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(headBytes, { stream: true });
      encoding = 'utf-8';
    } catch {
      encoding = 'gb18030';
    }
  }
  if (wanted !== 'auto' && bom) encoding = wanted;
  const head = new TextDecoder(encoding).decode(headBytes.subarray(bom), { stream: true });
  return {
    size,
    encoding,
    head,
    open() {
      const raw = createReadStream(file, { start: bom, highWaterMark: 256 * 1024 });
      let stream: NodeJS.ReadableStream;
      if (encoding === 'gb18030') {
        const decoder = new TextDecoder(encoding);
        const decode = new Transform({
          decodeStrings: false,
          transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
            cb(null, decoder.decode(chunk, { stream: true }));
          },
          flush(cb: TransformCallback) {
            cb(null, decoder.decode());
          },
        });
        decode.setEncoding('utf8');
        raw.on('error', (e) => decode.destroy(e));
        stream = raw.pipe(decode);
      } else {
        // Node's own decoder handles UTF-8 and UTF-16LE, including characters split across chunks.
        raw.setEncoding(encoding === 'utf-8' ? 'utf8' : 'utf16le');
        stream = raw;
      }
      return { stream, raw, bytesRead: () => raw.bytesRead + bom };
    },
  };
}
