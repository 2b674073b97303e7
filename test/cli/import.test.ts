import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `fupan import` end to end: summary, --json, reject file and exit codes (0 / 6 / 2 / 3). */
const main = join(process.cwd(), 'src', 'cli', 'main.ts');
const fixtures = join(process.cwd(), 'test', 'fixtures', 'import');
const env = { ...process.env, FUPAN_LOG_LEVEL: 'silent', FUPAN_LANG: 'en-US' };

const dir = mkdtempSync(join(tmpdir(), 'fupan-cli-import-'));
const data = join(dir, 'data');

function fupan(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, '--data-dir', data, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function copy(name: string): string {
  const to = join(dir, name);
  copyFileSync(join(fixtures, name), to);
  return to;
}

beforeAll(() => {
  expect(fupan('project', 'create', 'Shop', '--id', 'shop', '--time-zone', 'Asia/Shanghai', '--json').code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fupan import', { timeout: 240_000 }, () => {
  it('exit 6 with a JSON summary and a reject file beside the input when rows are rejected', () => {
    const file = copy('events.csv');
    const r = fupan('import', 'events', file, '--project', 'shop', '--json');
    expect(r.code).toBe(6);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ kind: 'events', format: 'csv', rows: 8, accepted: 6, rejected: 2, duplicates: 0, rejectsFile: `${file}.rejects.csv` });
    expect(readFileSync(`${file}.rejects.csv`, 'utf8')).toContain('\n7,event,,import_value_missing,`event` is empty\n');
    expect(r.stderr).toBe('');
  });

  it('exit 0 and a human summary in Chinese when every row is imported', () => {
    const file = copy('chinese-events.csv');
    const r = fupan('import', 'events', file, '--project', 'shop', '--lang', 'zh-CN');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('成功 2 · 拒绝 0');
    expect(r.stdout).toContain('event ← 事件');
    expect(existsSync(`${file}.rejects.csv`)).toBe(false);
  });

  it('exit 2 and nothing written when the column set is wrong', () => {
    const r = fupan('import', 'spend', join(fixtures, 'events.csv'), '--project', 'shop');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lacks the columns a spend import needs: date, channel, cost/);
    const json = fupan('import', 'spend', join(fixtures, 'events.csv'), '--project', 'shop', '--json');
    expect(JSON.parse(json.stdout).error.code).toBe('import_columns_missing');
    const count = fupan('sql', '--project', 'shop', 'SELECT count() AS n FROM ad_spend', '--json');
    expect(JSON.parse(count.stdout)).toEqual([{ n: 0 }]);
  });

  it('exit 2 for an unsupported format, exit 3 for an unknown project, usage error for an unknown kind', () => {
    expect(fupan('import', 'events', join(fixtures, 'events.docx'), '--project', 'shop').code).toBe(2);
    expect(fupan('import', 'events', join(fixtures, 'events.csv'), '--project', 'nope').code).toBe(3);
    expect(fupan('import', 'clicks', join(fixtures, 'events.csv'), '--project', 'shop').code).toBe(2);
  });

  it('--map and --progress (bar on stderr even without a terminal)', () => {
    const file = copy('spend.xlsx');
    const r = fupan('import', 'spend', file, '--project', 'shop', '--map', 'channel=Source,cost=Amount Spent (USD)', '--progress', '--json');
    expect(r.code).toBe(6);
    expect(JSON.parse(r.stdout)).toMatchObject({ accepted: 2, rejected: 2, columns: { channel: 'Source', cost: 'Amount Spent (USD)' } });
  });
});

describe('fupan import while `fupan serve` owns the data directory', { timeout: 240_000 }, () => {
  let server: ChildProcess;

  beforeAll(async () => {
    server = spawn(process.execPath, ['--import', 'tsx', main, '--data-dir', data, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server did not start')), 120_000);
      server.stdout!.on('data', (chunk: Buffer) => {
        if (/running at http/.test(chunk.toString())) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
  }, 150_000);

  afterAll(async () => {
    server?.kill('SIGTERM');
    await new Promise((r) => server?.once('exit', r));
  });

  it('reads and validates locally, writes through the server (events and spend)', () => {
    const file = copy('orders.csv');
    const r = fupan('import', 'orders', file, '--project', 'shop', '--json');
    expect(r.code).toBe(6);
    expect(JSON.parse(r.stdout)).toMatchObject({ accepted: 4, rejected: 2, skipped: 1 });
    expect(existsSync(`${file}.rejects.csv`)).toBe(true);
    const again = fupan('import', 'orders', file, '--project', 'shop', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ accepted: 0, duplicates: 4 });

    const spend = fupan('import', 'spend', join(fixtures, 'spend.parquet'), '--project', 'shop', '--json', '--rejects', join(dir, 'sp.rejects.csv'));
    expect(JSON.parse(spend.stdout)).toMatchObject({ accepted: 5, rejected: 1 });
    const n = fupan('sql', '--project', 'shop', "SELECT count() AS n, sum(cost) AS c FROM ad_spend FINAL WHERE date >= '2024-03-01' AND channel IN ('douyin', 'baidu') AND campaign IN ('c0', 'c1')", '--json');
    expect(JSON.parse(n.stdout)).toEqual([{ n: 5, c: 100.5 + 201 + 301.5 + 502.5 + 603 }]);
  });

  it('an unknown project is exit 3 through the server too', () => {
    expect(fupan('import', 'events', join(fixtures, 'events.csv'), '--project', 'nope').code).toBe(3);
  });
});
