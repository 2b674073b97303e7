import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL server for tests of the `--database-url` path: the Debian
 * `postgresql` binaries (.ci/run installs them), a fresh cluster in a temporary directory,
 * trust authentication on 127.0.0.1 and a free port. PostgreSQL refuses to run as root,
 * so under root the cluster belongs to the `postgres` user.
 */
export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
}

/** The directory with initdb / postgres, or undefined when PostgreSQL is not installed. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find((bin) => existsSync(join(bin, 'initdb')));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'fupan-pg-'));
  const asRoot = process.getuid?.() === 0;
  const pgUser = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const uid = Number(pgUser.stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (asRoot) chownSync(dir, uid, gid);
  const as = (cmd: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  const data = join(dir, 'data');
  const init = spawnSync(...as(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'fupan', '--encoding=UTF8', '--locale=C']), { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const server = spawn(...as(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-k', dir, '-c', 'fsync=off']), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  server.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]);
    if (ready.status === 0) break;
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`PostgreSQL did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const created = spawnSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'fupan', '-d', 'postgres', '-c', 'CREATE DATABASE fupan'], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`CREATE DATABASE failed: ${created.stderr}`);
  return {
    url: `postgresql://fupan@127.0.0.1:${port}/fupan`,
    async stop() {
      // Through pg_ctl: under runuser a signal to our child would not reach postgres.
      const exited = server.exitCode !== null ? Promise.resolve() : new Promise((r) => server.once('exit', r));
      spawnSync(...as(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-w']));
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
