import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { isFupanError } from '../../core/errors/index.js';
import { compile, p, sql } from '../../sql/index.js';
import { createIngestor } from '../pipeline.js';
import { type ImportOptions, type ImportSummary, runImport } from './runner.js';

const FIX = join(import.meta.dirname, '../../../test/fixtures/import');
let storage: TestStorage;
let tmp: string;

beforeAll(async () => {
  storage = await openTestStorage('chdb');
  tmp = mkdtempSync(join(tmpdir(), 'fupan-import-test-'));
});
afterAll(async () => {
  await storage?.close();
  rmSync(tmp, { recursive: true, force: true });
});

let n = 0;
async function imp(o: Partial<ImportOptions> & Pick<ImportOptions, 'kind' | 'file' | 'projectId'>): Promise<ImportSummary> {
  const ingestor = createIngestor(storage.engine);
  return runImport(
    { engine: storage.engine, ingestor },
    { timeZone: 'Asia/Shanghai', currency: 'CNY', lang: 'en-US', rejectsPath: join(tmp, `rejects-${++n}.csv`), ...o },
  );
}

async function rows<T = Record<string, unknown>>(q: ReturnType<typeof sql>): Promise<T[]> {
  return storage.engine.query<T>(compile(q));
}

async function eventsOf(projectId: string) {
  return rows<{ event: string; distinct_id: string; timestamp: string; properties: string; person_id: string }>(
    sql`SELECT event, distinct_id, timestamp, properties, toString(person_id) AS person_id FROM events
        WHERE project_id = ${p.string(projectId)} ORDER BY timestamp, event`,
  );
}

/** Persons after query-time merges (person_overrides), for the given distinct ids. */
async function personsOf(projectId: string, distinctIds: string[]): Promise<number> {
  const [r] = await rows<{ n: number }>(sql`
    SELECT uniqExact(if(o.override_person_id = toUUID('00000000-0000-0000-0000-000000000000'), e.person_id, o.override_person_id)) AS n
    FROM events AS e
    LEFT JOIN (SELECT old_person_id, argMax(override_person_id, version) AS override_person_id FROM person_overrides
               WHERE project_id = ${p.string(projectId)} GROUP BY old_person_id) AS o ON e.person_id = o.old_person_id
    WHERE e.project_id = ${p.string(projectId)} AND e.distinct_id IN ${p.strings(distinctIds)}`);
  return r!.n;
}

function rejectsOf(s: ImportSummary): string[][] {
  if (!s.rejectsFile) return [];
  return readFileSync(s.rejectsFile, 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n')
    .map((l) => l.split(','));
}

async function fatal(o: Parameters<typeof imp>[0]): Promise<string> {
  try {
    await imp(o);
  } catch (e) {
    if (isFupanError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a fatal error');
}

describe('events in every format (8 rows, 2 bad each)', () => {
  const expected = [
    ['ad_click', 'anon-a', '2024-03-01T01:00:00.000Z'],
    ['sign_up', 'anon-a', '2024-03-01T01:05:00.000Z'],
    ['$identify', 'user-a', '2024-03-01T01:06:00.000Z'],
    ['order_paid', 'user-a', '2024-03-01T01:30:00.000Z'],
    ['$pageview', 'anon-b', '2024-03-01T10:00:00.000Z'],
    ['product_view', 'user-a', '2024-03-02T00:00:00.000Z'],
  ];
  const cases = [
    { file: 'events.csv', project: 'ev_csv', badRows: ['7', '8'] },
    { file: 'events.ndjson', project: 'ev_nd', badRows: ['6', '7'] },
    { file: 'events.parquet', project: 'ev_pq', badRows: ['6', '7'] },
    { file: 'events.xlsx', project: 'ev_xl', badRows: ['7', '8'] },
  ];
  for (const c of cases) {
    it(`${c.file}: keeps the good rows, rejects the bad ones with their row numbers, merges $identify`, async () => {
      const s = await imp({ kind: 'events', file: join(FIX, c.file), projectId: c.project });
      expect({ rows: s.rows, accepted: s.accepted, rejected: s.rejected, duplicates: s.duplicates }).toEqual({
        rows: 8,
        accepted: 6,
        rejected: 2,
        duplicates: 0,
      });
      expect(rejectsOf(s).slice(1).map((r) => r[0])).toEqual(c.badRows);
      const stored = await eventsOf(c.project);
      expect(stored.map((e) => [e.event, e.distinct_id, e.timestamp])).toEqual(expected);
      const click = JSON.parse(stored[0]!.properties);
      expect(click.channel).toBe('douyin');
      expect(JSON.parse(stored[3]!.properties).revenue).toBe(199.5);
      // The anonymous visitor who clicked the ad and the user who identified are one person.
      expect(await personsOf(c.project, ['anon-a', 'user-a'])).toBe(1);
      expect(await personsOf(c.project, ['anon-a', 'anon-b'])).toBe(2);
    });
  }

  it('re-importing the same file counts every row as a duplicate, never twice', async () => {
    const s = await imp({ kind: 'events', file: join(FIX, 'events.csv'), projectId: 'ev_csv' });
    expect(s.accepted).toBe(0);
    expect(s.duplicates).toBe(6);
    expect((await eventsOf('ev_csv')).length).toBe(6);
  });
});

describe('mapping', () => {
  it('reads Chinese headers by default (事件, 用户ID, 时间) and keeps other columns as properties', async () => {
    const s = await imp({ kind: 'events', file: join(FIX, 'chinese-events.csv'), projectId: 'map_zh' });
    expect(s.columns).toEqual({ event: '事件', distinct_id: '用户ID', timestamp: '时间' });
    expect(s.propertyColumns).toEqual(['城市']);
    const stored = await eventsOf('map_zh');
    expect(stored.map((e) => e.event)).toEqual(['sign_up', '$pageview']);
    expect(JSON.parse(stored[0]!.properties)).toEqual({ 城市: '上海' });
  });

  it('--map names any header, including properties.<name>', async () => {
    const file = join(tmp, 'custom.csv');
    writeFileSync(file, '动作,会员号,发生于,城市,金额\nsign_up,m-1,2024-03-01 08:00:00,杭州,12.50\n');
    const s = await imp({
      kind: 'events',
      file,
      projectId: 'map_custom',
      map: ['event=动作,distinct_id=会员号', 'timestamp=发生于，properties.city=城市'],
    });
    expect(s.accepted).toBe(1);
    expect(JSON.parse((await eventsOf('map_custom'))[0]!.properties)).toEqual({ city: '杭州', 金额: 12.5 });
  });

  it('an unknown target or a column the file lacks is fatal', async () => {
    expect(await fatal({ kind: 'events', file: join(FIX, 'events.csv'), projectId: 'map_bad', map: ['foo=event'] })).toBe('import_map_invalid');
    expect(await fatal({ kind: 'events', file: join(FIX, 'events.csv'), projectId: 'map_bad', map: ['event=事件名'] })).toBe('import_map_invalid');
    expect(await fatal({ kind: 'events', file: join(FIX, 'events.csv'), projectId: 'map_bad', map: ['event'] })).toBe('import_map_invalid');
    expect((await eventsOf('map_bad')).length).toBe(0);
  });
});

describe('fatal errors write nothing', () => {
  const cases: [string, string, 'events' | 'spend', string][] = [
    ['unknown column set', 'unknown-columns.csv', 'events', 'import_columns_missing'],
    ['events file imported as spend', 'events.csv', 'spend', 'import_columns_missing'],
    ['not a Parquet file', 'not-parquet.parquet', 'events', 'import_file_unreadable'],
    ['Parquet compressed with zstd', 'zstd.parquet', 'events', 'import_file_unreadable'],
    ['empty file', 'empty.csv', 'events', 'import_file_unreadable'],
    ['missing file', 'no-such-file.csv', 'events', 'import_file_unreadable'],
    ['unknown format', 'events.docx', 'events', 'import_format_unsupported'],
    ['XLSX that is not a zip', 'events.csv', 'events', 'import_file_unreadable'],
  ];
  for (const [name, file, kind, code] of cases) {
    it(name, async () => {
      const projectId = `fatal_${name.replace(/\W+/g, '_').slice(0, 30)}`.toLowerCase();
      const rejectsPath = join(tmp, `fatal-${code}-${file}.rejects.csv`);
      const format = name.startsWith('XLSX') ? 'xlsx' : undefined;
      expect(await fatal({ kind, file: join(FIX, file), projectId, rejectsPath, format })).toBe(code);
      expect((await eventsOf(projectId)).length).toBe(0);
      const [spend] = await rows<{ n: number }>(sql`SELECT count() AS n FROM ad_spend WHERE project_id = ${p.string(projectId)}`);
      expect(spend!.n).toBe(0);
      expect(existsSync(rejectsPath)).toBe(false);
    });
  }

  it('says why a zstd Parquet cannot be read and how to fix it', async () => {
    await expect(imp({ kind: 'events', file: join(FIX, 'zstd.parquet'), projectId: 'fatal_zstd' })).rejects.toThrow(/ZSTD.*snappy/);
  });
});

describe('ad spend', () => {
  const spend = (projectId: string) =>
    rows<{ date: string; channel: string; campaign: string; impressions: number; clicks: number; cost: number; currency: string }>(
      sql`SELECT date, channel, campaign, impressions, clicks, cost, currency FROM ad_spend FINAL
          WHERE project_id = ${p.string(projectId)} ORDER BY date, channel, campaign`,
    );

  it('GB18030 CSV with Chinese headers and units (日期, 渠道, 广告计划, 展现, 点击, 消耗(元), 币种)', async () => {
    const s = await imp({ kind: 'spend', file: join(FIX, 'spend-gb18030.csv'), projectId: 'sp_csv', lang: 'zh-CN' });
    expect({ accepted: s.accepted, rejected: s.rejected }).toEqual({ accepted: 3, rejected: 2 });
    expect(s.columns).toMatchObject({ date: '日期', channel: '渠道', campaign: '广告计划', impressions: '展现', clicks: '点击', cost: '消耗(元)', currency: '币种' });
    expect(await spend('sp_csv')).toEqual([
      { date: '2024-03-01', channel: 'baidu', campaign: '品牌词', impressions: 5000, clicks: 100, cost: 300, currency: 'CNY' },
      { date: '2024-03-01', channel: 'douyin', campaign: '春季拉新', impressions: 12000, clicks: 340, cost: 1234.5, currency: 'CNY' },
      { date: '2024-03-02', channel: 'douyin', campaign: '春季拉新', impressions: 11000, clicks: 300, cost: 999.9, currency: 'CNY' },
    ]);
    const rej = readFileSync(s.rejectsFile!, 'utf8');
    expect(rej.startsWith('\uFEFF行号,字段,值,错误码,原因\n')).toBe(true);
    expect(rej).toContain('5,日期,2024-02-30,import_value_invalid,');
    expect(rej).toContain('不是日期');
    expect(rej).toContain('6,展现,多,import_value_invalid,');
  });

  it('re-importing is idempotent, and a corrected day replaces the old numbers', async () => {
    await imp({ kind: 'spend', file: join(FIX, 'spend-gb18030.csv'), projectId: 'sp_csv' });
    expect((await spend('sp_csv')).length).toBe(3);
    const fix = join(tmp, 'spend-fix.csv');
    writeFileSync(fix, 'date,channel,campaign,impressions,clicks,cost\n2024-03-01,douyin,春季拉新,12500,350,1300\n2024-03-01,douyin,春季拉新,12600,351,1310\n');
    const s = await imp({ kind: 'spend', file: fix, projectId: 'sp_csv' });
    expect({ accepted: s.accepted, duplicates: s.duplicates }).toEqual({ accepted: 1, duplicates: 1 });
    const after = await spend('sp_csv');
    expect(after.length).toBe(3);
    // Within the file the last row wins; across imports the newer one.
    expect(after.find((r) => r.channel === 'douyin' && r.date === '2024-03-01')).toMatchObject({ impressions: 12600, cost: 1310 });
    expect(after.find((r) => r.channel === 'baidu')).toMatchObject({ cost: 300 });
  });

  it('XLSX from an ad platform (English headers with units, Excel dates, a formula cell)', async () => {
    const s = await imp({ kind: 'spend', file: join(FIX, 'spend.xlsx'), projectId: 'sp_xl' });
    expect(s.columns).toMatchObject({ date: 'Date', channel: 'Source', campaign: 'Campaign Name', cost: 'Amount Spent (USD)' });
    expect({ accepted: s.accepted, rejected: s.rejected }).toEqual({ accepted: 2, rejected: 2 });
    expect(rejectsOf(s).slice(1).map((r) => [r[0], r[3]])).toEqual([
      ['4', 'import_value_invalid'],
      ['5', 'import_value_missing'],
    ]);
    expect(await spend('sp_xl')).toEqual([
      { date: '2024-03-01', channel: 'facebook', campaign: 'Spring', impressions: 10000, clicks: 200, cost: 150.25, currency: 'USD' },
      { date: '2024-03-02', channel: 'facebook', campaign: 'Spring', impressions: 9000, clicks: 180, cost: 140, currency: 'USD' },
    ]);
  });

  it('Parquet with typed columns (Date, UInt64, Float64); a negative cost is rejected', async () => {
    const s = await imp({ kind: 'spend', file: join(FIX, 'spend.parquet'), projectId: 'sp_pq' });
    expect({ accepted: s.accepted, rejected: s.rejected }).toEqual({ accepted: 5, rejected: 1 });
    expect(rejectsOf(s)[1]?.[0]).toBe('4');
    const got = await spend('sp_pq');
    expect(got[0]).toEqual({ date: '2024-03-01', channel: 'baidu', campaign: 'c1', impressions: 2000, clicks: 20, cost: 201, currency: 'CNY' });
  });
});

describe('orders', () => {
  const orderEvents = (projectId: string) =>
    rows<{ event: string; distinct_id: string; properties: string }>(
      sql`SELECT event, distinct_id, properties FROM events WHERE project_id = ${p.string(projectId)} ORDER BY timestamp`,
    );

  it('status column: paid → order_paid, refunded → order_refunded, cancelled skipped, unknown rejected', async () => {
    const s = await imp({ kind: 'orders', file: join(FIX, 'orders.csv'), projectId: 'ord_csv', lang: 'zh-CN' });
    expect({ accepted: s.accepted, rejected: s.rejected, skipped: s.skipped }).toEqual({ accepted: 4, rejected: 2, skipped: 1 });
    const rej = rejectsOf(s).slice(1);
    expect(rej.map((r) => [r[0], r[3]])).toEqual([
      ['6', 'import_order_status_unknown'],
      ['7', 'import_value_invalid'],
    ]);
    const ev = await orderEvents('ord_csv');
    expect(ev.map((e) => e.event)).toEqual(['order_paid', 'order_paid', 'order_paid', 'order_refunded']);
    expect(JSON.parse(ev[0]!.properties)).toEqual({ order_id: 'o-1', revenue: 199.5, currency: 'CNY', status: '已支付', 商品: '连衣裙' });
    expect(JSON.parse(ev[2]!.properties)).toMatchObject({ order_id: 'o-6', revenue: 1299, currency: 'CNY' });
    expect(JSON.parse(ev[3]!.properties)).toMatchObject({ order_id: 'o-2', refund_amount: 20 });
    const [rev] = await rows<{ r: number }>(sql`SELECT sum(revenue) AS r FROM events WHERE project_id = 'ord_csv' AND event = 'order_paid'`);
    expect(rev!.r).toBeCloseTo(199.5 + 59 + 1299);

    const again = await imp({ kind: 'orders', file: join(FIX, 'orders.csv'), projectId: 'ord_csv' });
    expect({ accepted: again.accepted, duplicates: again.duplicates }).toEqual({ accepted: 0, duplicates: 4 });
  });

  it('NDJSON without a status column: a negative amount is a refund', async () => {
    const s = await imp({ kind: 'orders', file: join(FIX, 'orders.ndjson'), projectId: 'ord_nd' });
    expect({ accepted: s.accepted, rejected: s.rejected }).toEqual({ accepted: 2, rejected: 1 });
    expect(s.columns).toMatchObject({ order_id: 'order_id', distinct_id: 'user_id', timestamp: 'paid_at', revenue: 'amount' });
    const ev = await orderEvents('ord_nd');
    expect(ev.map((e) => e.event)).toEqual(['order_paid', 'order_refunded']);
    expect(JSON.parse(ev[0]!.properties)).toEqual({ order_id: 'n-1', revenue: 10, currency: 'USD', coupon: 'SPRING' });
    expect(JSON.parse(ev[1]!.properties)).toEqual({ order_id: 'n-2', refund_amount: 10, currency: 'USD' });
  });
});

describe('surveys', () => {
  const responses = (projectId: string) =>
    rows<{ distinct_id: string; properties: string }>(
      sql`SELECT distinct_id, properties FROM events WHERE project_id = ${p.string(projectId)} AND event = 'survey_response' ORDER BY timestamp`,
    );

  it('XLSX NPS export with Chinese headers and comments; out-of-range scores rejected', async () => {
    const s = await imp({ kind: 'surveys', file: join(FIX, 'surveys.xlsx'), projectId: 'sv_xl' });
    expect({ accepted: s.accepted, rejected: s.rejected }).toEqual({ accepted: 2, rejected: 2 });
    expect(s.columns).toMatchObject({ survey: '问卷', distinct_id: '用户ID', timestamp: '提交时间', score: '推荐度', comment: '意见' });
    const r = await responses('sv_xl');
    expect(r.map((x) => JSON.parse(x.properties))).toEqual([
      { survey: 'nps-2024q1', score: 9, comment: '视频很清晰，主播很热情' },
      { survey: 'nps-2024q1', score: 3, comment: '太卡了，经常掉线' },
    ]);
    expect(rejectsOf(s).slice(1).map((x) => [x[0], x[1], x[3]])).toEqual([
      ['4', '推荐度', 'import_value_invalid'],
      ['5', '用户ID', 'import_value_missing'],
    ]);
  });

  it('Parquet with a typed timestamp (nps, feedback aliases)', async () => {
    const s = await imp({ kind: 'surveys', file: join(FIX, 'surveys.parquet'), projectId: 'sv_pq' });
    expect({ accepted: s.accepted, rejected: s.rejected }).toEqual({ accepted: 1, rejected: 1 });
    const [ts] = await rows<{ t: string }>(sql`SELECT toString(timestamp) AS t FROM events WHERE project_id = 'sv_pq'`);
    expect(ts!.t).toBe('2024-03-05 12:00:00.000');
  });
});

describe('streaming in batches', () => {
  it('keeps row numbers right across batches and over parse errors; writes the default reject file beside the input', async () => {
    const file = join(tmp, 'many.csv');
    const lines = ['event,distinct_id,timestamp'];
    for (let i = 0; i < 5000; i++) {
      if (i === 1234) lines.push('"broken,u,2024-03-01 00:00:00"x"');
      else lines.push(`${i % 997 === 0 ? '' : 'tick'},u${i % 37},2024-03-01 00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}`);
    }
    writeFileSync(file, lines.join('\n') + '\n');
    const progress: number[] = [];
    const s = await runImport(
      { engine: storage.engine, ingestor: createIngestor(storage.engine) },
      { kind: 'events', file, projectId: 'many', timeZone: 'UTC', currency: 'CNY', lang: 'en-US', batchSize: 300, onProgress: (x) => progress.push(x.rows) },
    );
    const emptyEvent = [0, 997, 1994, 2991, 3988, 4985].map((i) => String(i + 2));
    expect(s.rows).toBe(5000);
    expect(s.rejectsFile).toBe(`${file}.rejects.csv`);
    const rej = rejectsOf(s).slice(1);
    expect(rej.map((r) => r[0]).sort((a, b) => Number(a) - Number(b))).toEqual([...emptyEvent.slice(0, 2), '1236', ...emptyEvent.slice(2)]);
    expect(s.rejected).toBe(7);
    expect(s.accepted + s.duplicates).toBe(4993);
    expect(progress.at(-1)).toBe(5000);
  });

  it('a clean re-run removes the stale reject file', async () => {
    const file = join(tmp, 'clean.csv');
    copyFileSync(join(FIX, 'chinese-events.csv'), file);
    writeFileSync(`${file}.rejects.csv`, 'old');
    const s = await runImport(
      { engine: storage.engine, ingestor: createIngestor(storage.engine) },
      { kind: 'events', file, projectId: 'clean', timeZone: 'UTC', currency: 'CNY', lang: 'en-US' },
    );
    expect(s.rejected).toBe(0);
    expect(s.rejectsFile).toBeNull();
    expect(existsSync(`${file}.rejects.csv`)).toBe(false);
  });
});
