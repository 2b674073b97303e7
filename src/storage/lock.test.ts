import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock, readLock } from './lock.js';

describe('data directory lock', () => {
  it('takes the directory, records the server, and releases it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fupan-lock-'));
    const lock = acquireDataDirLock(dir);
    lock.setServer('http://localhost:8787', 'fpa_secret');
    const info = JSON.parse(readFileSync(join(dir, 'fupan.lock'), 'utf8'));
    expect(info).toMatchObject({ pid: process.pid, url: 'http://localhost:8787' });
    lock.release();
    expect(() => acquireDataDirLock(dir).release()).not.toThrow();
  });

  it('stops a second process with a message naming the holder and the way through its server', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fupan-lock-'));
    // A live process that is not us: our parent (the test runner).
    const holder = String(process.ppid);
    writeFileSync(join(dir, 'fupan.lock'), JSON.stringify({ pid: Number(holder), startedAt: '', url: 'http://localhost:9999' }));
    expect(readLock(dir)?.pid).toBe(Number(holder));
    expect(() => acquireDataDirLock(dir)).toThrow(/in use by another fupan process \(pid \d+, serving http:\/\/localhost:9999\).*HTTP API \/ web app at http:\/\/localhost:9999/);
  });

  it('takes over a lock left by a crashed process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fupan-lock-'));
    writeFileSync(join(dir, 'fupan.lock'), JSON.stringify({ pid: 999999, startedAt: '' }));
    const lock = acquireDataDirLock(dir);
    expect(lock.info.pid).toBe(process.pid);
    lock.release();
  });
});
