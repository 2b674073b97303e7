import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `fupan report` end to end on a small demo (today pinned to 2026-11-21, a Saturday:
 * last complete week 2026-W46, this month 2026-11 with a draft, last month 2026-10 and
 * week 2026-W45 published by the demo): the draft in each format, the written parts
 * (add → items → edit → remove), publish, list, and the options of the subcommands given
 * after the subcommand's name (`report list --project demo`), which the parent `report`
 * also defines.
 */
const main = join(process.cwd(), 'src', 'cli', 'main.ts');
const env = { ...process.env, FUPAN_LOG_LEVEL: 'silent', FUPAN_LANG: 'en-US' };
const dir = mkdtempSync(join(tmpdir(), 'fupan-cli-report-'));
const data = join(dir, 'data');

function fupan(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, '--data-dir', data, ...args], { env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ok = <T = Record<string, unknown>>(r: { code: number | null; stdout: string; stderr: string }): T => {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
};

beforeAll(() => {
  ok(fupan('demo', '--no-serve', '--events', '3000', '--today', '2026-11-21', '--json'));
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fupan report', { timeout: 300_000 }, () => {
  it('lists the reports with the options after the subcommand', () => {
    const reports = ok<{ periodLabel: string; status: string }[]>(fupan('report', 'list', '--project', 'demo', '--json'));
    expect(reports.filter((r) => r.status === 'published').map((r) => r.periodLabel).sort()).toEqual(['2026-10', '2026-W45']);
    // The same, with the option before the subcommand.
    expect(ok<unknown[]>(fupan('report', '--project', 'demo', 'list', '--json'))).toEqual(reports);
  });

  it('drafts a period as JSON and Markdown', () => {
    const json = ok<{ period: { label: string }; status: string }>(fupan('report', '--project', 'demo', '--period', '2026-W46', '--format', 'json'));
    expect(json.period.label).toBe('2026-W46');
    expect(json.status).toBe('draft');
    const out = join(dir, 'w46.md');
    const md = fupan('report', '--project', 'demo', '--period', '2026-W46', '--out', out);
    expect(md.code).toBe(0);
    expect(md.stderr).toContain(`Wrote ${out}`);
    expect(readFileSync(out, 'utf8')).toMatch(/^# /);
  });

  it('adds, lists, edits and removes a written part, then publishes', () => {
    const period = '2026-W46';
    const added = ok<{ id: string; kind: string }>(
      fupan('report', 'add', 'action', '--project', 'demo', '--period', period, '--json', '--data', JSON.stringify({ action: '修复 2.20.0 呼叫按钮', owner: '产品组', metricKey: 'call_rate', target: 0.9, ice: { impact: 8, confidence: 7, ease: 6 } })),
    );
    expect(added.kind).toBe('action');
    const items = ok<{ id: string; data: { action: string } }[]>(fupan('report', 'items', '--project', 'demo', '--period', period, '--json'));
    expect(items.find((i) => i.id === added.id)?.data.action).toBe('修复 2.20.0 呼叫按钮');
    const edited = ok<{ data: { owner: string } }>(fupan('report', 'edit', added.id, '--project', 'demo', '--period', period, '--data', '{"owner":"增长组"}', '--json'));
    expect(edited.data.owner).toBe('增长组');
    // A bad item is refused with a message naming the field, and writes nothing.
    const bad = fupan('report', 'add', 'action', '--project', 'demo', '--period', period, '--data', '{"action":"x","ice":{"impact":11,"confidence":1,"ease":1}}');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/ICE parts are 1–10/);
    expect(ok<unknown[]>(fupan('report', 'items', '--project', 'demo', '--period', period, '--json'))).toHaveLength(items.length);
    expect(ok(fupan('report', 'remove', added.id, '--project', 'demo', '--period', period, '--json'))).toEqual({ removed: added.id });
    const published = ok<{ status: string; periodLabel: string }>(fupan('report', 'publish', '--project', 'demo', '--period', period, '--json'));
    expect(published).toMatchObject({ status: 'published', periodLabel: period });
  });

  it('exits 2 naming the missing option', () => {
    const r = fupan('report', 'items', '--period', '2026-W46');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--project');
  });
});
