import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FupanError } from '../core/errors/index.js';

export interface LockInfo {
  pid: number;
  startedAt: string;
  /** URL of the server holding the directory, when it is `fupan serve`. */
  url?: string;
  /** Admin token of that server, so the owner's CLI can go through it (file mode 0600). */
  token?: string;
}

export interface DataDirLock {
  info: LockInfo;
  /** Records the server URL (and its admin token) once it listens, so other commands can go through it. */
  setServer(url: string, token: string): void;
  release(): void;
}

const LOCK_FILE = 'fupan.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads who holds the directory, if a live process does. */
export function readLock(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as LockInfo;
    return alive(info.pid) && info.pid !== process.pid ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the data directory for this process. chDB binds a directory to one process and
 * two writers would corrupt it, so a second fupan on the same directory stops with a
 * message saying who holds it and how to go through that server instead. A lock left by
 * a crashed process (its pid is gone) is taken over.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const current = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
          if (current.pid === process.pid) rmSync(path, { force: true });
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return {
        info,
        setServer(url: string, token: string) {
          info.url = url;
          info.token = token;
          const fd2 = openSync(path, 'w', 0o600);
          writeSync(fd2, JSON.stringify(info));
          closeSync(fd2);
        },
        release,
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readLock(dataDir);
      if (holder) {
        throw new FupanError('data_dir_locked', {
          dataDir,
          pid: holder.pid,
          server: holder.url ? `, serving ${holder.url}` : '',
          url: holder.url ?? '<server url>',
        });
      }
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new FupanError('conflict', { problem: `could not lock ${dataDir}` });
}
