import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * One data directory, one owner: while `fupan serve` holds a directory, other commands on
 * it go through the server's API (project, query, sql) instead of opening chDB a second time.
 */
const bin = join(process.cwd(), 'bin', 'fupan.js');
const env = { ...process.env, FUPAN_LOG_LEVEL: 'silent', FUPAN_LANG: 'en-US' };

function fupan(dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, '--data-dir', dir, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI while a server owns the data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fupan-cli-'));
  let server: ChildProcess;

  beforeAll(async () => {
    expect(fupan(dir, 'project', 'create', 'Shop', '--id', 'shop', '--json').code).toBe(0);
    server = spawn(process.execPath, [bin, '--data-dir', dir, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server did not start')), 60_000);
      server.stdout!.on('data', (chunk: Buffer) => {
        if (/running at http/.test(chunk.toString())) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
  });

  afterAll(async () => {
    server?.kill('SIGTERM');
    await new Promise((r) => server?.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists and creates projects through the server', () => {
    const created = fupan(dir, 'project', 'create', 'Blog', '--id', 'blog', '--json');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ id: 'blog', ingestKey: expect.stringMatching(/^phc_/) });
    const listed = fupan(dir, 'project', 'list', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).map((p: { id: string }) => p.id)).toEqual(['shop', 'blog']);
  });

  it('runs scoped SQL through the server', () => {
    const r = fupan(dir, 'sql', '--project', 'shop', 'SELECT count() AS c FROM events', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ c: 0 }]);
  });

  it('keeps error codes and exit codes through the server', () => {
    const r = fupan(dir, 'sql', '--project', 'nope', 'SELECT 1', '--json');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).error.code).toBe('not_found');
  });
});
