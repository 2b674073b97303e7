import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateMeta } from '../../src/storage/metadata/migrate.js';
import { PostgresStore } from '../../src/storage/metadata/postgres-store.js';
import { postgresBin, type PostgresServer, startPostgres } from '../helpers/postgres-server.js';

/**
 * The metadata store on a real PostgreSQL server (`--database-url`), not PGlite: the same
 * migrations, and the CLI end to end — projects and keys, then the whole demo (experiment
 * definitions, metric dictionary, goals, two published reports with their written parts),
 * read back through `project list`, `experiment list`, `goal status` and `report list`.
 * The server is a throwaway cluster (test/helpers/postgres-server.ts); .ci/run installs
 * Debian's postgresql so this runs in CI. Without PostgreSQL installed the file is skipped.
 */
const main = join(process.cwd(), 'src', 'cli', 'main.ts');
const env = { ...process.env, FUPAN_LOG_LEVEL: 'silent', FUPAN_LANG: 'en-US' };
const dir = mkdtempSync(join(tmpdir(), 'fupan-cli-pg-'));
let server: PostgresServer;

function fupan(data: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, '--data-dir', join(dir, data), '--database-url', server.url, ...args], {
    env,
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const json = <T = Record<string, unknown>>(r: { code: number | null; stdout: string; stderr: string }): T => {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
};

describe.skipIf(!postgresBin())('metadata on a PostgreSQL server (--database-url)', { timeout: 600_000 }, () => {
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the migrations once and records them (a second run changes nothing)', async () => {
    const store = new PostgresStore(server.url);
    try {
      await migrateMeta(store);
      const first = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      await migrateMeta(store);
      const second = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(first[0]!.n).toBeGreaterThan(5);
      expect(second).toEqual(first);
      // A failed transaction writes nothing.
      await expect(
        store.transaction(async (tx) => {
          await tx.query(`INSERT INTO projects (id, name, time_zone, currency, week_start) VALUES ('tmp', 'tmp', 'UTC', 'CNY', 'monday')`);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.query(`SELECT id FROM projects WHERE id = 'tmp'`)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('creates and lists projects; the data directory holds no embedded PostgreSQL', () => {
    const created = json<{ id: string; ingestKey: string }>(fupan('a', 'project', 'create', '线上商城', '--id', 'shop', '--time-zone', 'Asia/Shanghai', '--json'));
    expect(created.id).toBe('shop');
    expect(created.ingestKey).toMatch(/^\S{20,}$/);
    const list = json<{ id: string; name: string; weekStart: string }[]>(fupan('a', 'project', 'list', '--json'));
    expect(list).toEqual([expect.objectContaining({ id: 'shop', name: '线上商城', weekStart: 'monday' })]);
    expect(existsSync(join(dir, 'a', 'postgres'))).toBe(false);
    // The same server seen from a second data directory (a second machine): same projects.
    expect(json<{ id: string }[]>(fupan('b', 'project', 'list', '--json')).map((p) => p.id)).toEqual(['shop']);
  });

  it('runs the whole demo on it: experiments, metrics, goals and published reports read back', async () => {
    const demo = json<{ project: { id: string }; events: number }>(fupan('c', 'demo', '--no-serve', '--events', '20000', '--today', '2026-11-21', '--json'));
    expect(demo.project.id).toBe('demo');
    expect(demo.events).toBeGreaterThan(10_000);
    const { experiments } = json<{ experiments: { definition: { key: string } }[] }>(fupan('c', 'experiment', 'list', '--project', 'demo', '--json'));
    expect(experiments.map((e) => e.definition.key)).toContain('one_click_match');
    const goals = json<unknown[]>(fupan('c', 'goal', 'status', '--project', 'demo', '--json'));
    expect(goals.length).toBeGreaterThan(0);
    const reports = json<{ status: string }[]>(fupan('c', 'report', 'list', '--project', 'demo', '--json'));
    expect(reports.filter((r) => r.status === 'published').length).toBe(2);
    // Rows really are on the server.
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM reports WHERE project_id = 'demo' AND status = 'published'`);
      expect(rows[0]!.n).toBe(2);
    } finally {
      await client.end();
    }
  });
});
