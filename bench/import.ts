/**
 * File import throughput and memory: `npm run bench -- import [--rows N] [--kind events|spend] [--batch N]`
 * (or `node --import tsx bench/import.ts …`).
 *
 * Generates a CSV of N rows (default 1,500,000; 1 % of them bad) in a temporary directory,
 * imports it into a fresh embedded chDB through the capture pipeline, and prints rows/s
 * and the process's peak resident memory (sampled every 20 ms and the kernel's maxRSS).
 * Streaming means the peak stays flat as N grows: compare --rows 500000 with --rows 2000000.
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImport } from '../src/ingestion/import/index.js';
import { createIngestor } from '../src/ingestion/pipeline.js';
import { ChdbEngine } from '../src/storage/chdb-engine.js';
import { migrateClickHouse } from '../src/storage/clickhouse/migrate.js';
import { compile, p, sql } from '../src/sql/index.js';

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function writeCsv(file: string, rows: number, kind: 'events' | 'spend'): Promise<void> {
  const out = createWriteStream(file);
  const channels = ['douyin', 'kuaishou', 'baidu', 'wechat', 'xiaohongshu'];
  const events = ['$pageview', 'ad_click', 'sign_up', 'product_view', 'add_to_cart', 'order_paid'];
  const start = Date.UTC(2024, 0, 1);
  out.write(kind === 'events' ? 'event,distinct_id,timestamp,properties.channel,properties.revenue,properties.city\n' : '日期,渠道,广告计划,展现,点击,消耗(元)\n');
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const bad = i % 100 === 99;
    if (kind === 'events') {
      const ts = new Date(start + i * 1000).toISOString().replace('T', ' ').slice(0, 19);
      const ev = events[i % events.length]!;
      buf += `${bad ? '' : ev},u${i % 50_000},${ts},${channels[i % 5]},${ev === 'order_paid' ? (i % 500) + 0.5 : ''},上海\n`;
    } else {
      const day = new Date(start + Math.floor(i / 1000) * 86_400_000).toISOString().slice(0, 10);
      buf += `${day},${channels[i % 5]},campaign ${i % 1000},${bad ? 'x' : i % 10_000},${i % 300},${(i % 1000) / 3}\n`;
    }
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.write(buf);
  out.end();
  await once(out, 'finish');
}

export async function run(args: string[]): Promise<void> {
  const rows = Number(arg(args, 'rows', '1500000'));
  const kind = arg(args, 'kind', 'events') as 'events' | 'spend';
  const batchSize = Number(arg(args, 'batch', '10000'));
  const dir = mkdtempSync(join(tmpdir(), 'fupan-bench-import-'));
  try {
    const file = join(dir, `${kind}.csv`);
    let t = Date.now();
    await writeCsv(file, rows, kind);
    console.log(`generated ${rows.toLocaleString('en-US')} ${kind} rows, ${mb(statSync(file).size)} MB CSV in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    const engine = new ChdbEngine(join(dir, 'clickhouse'));
    await migrateClickHouse(engine);
    const ingestor = createIngestor(engine);
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let peakHeap = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 20);
    t = Date.now();
    const summary = await runImport(
      { engine, ingestor },
      { projectId: 'bench', kind, file, timeZone: 'Asia/Shanghai', currency: 'CNY', lang: 'en-US', batchSize },
    );
    const seconds = (Date.now() - t) / 1000;
    clearInterval(sampler);
    const table = kind === 'events' ? 'events' : 'ad_spend';
    const [stored] = await engine.query<{ n: number }>(compile(sql`SELECT count() AS n FROM ${sql.trusted(table)} WHERE project_id = ${p.string('bench')}`));
    await engine.close();
    console.log(
      JSON.stringify(
        {
          kind,
          rows,
          accepted: summary.accepted,
          rejected: summary.rejected,
          duplicates: summary.duplicates,
          stored: stored?.n,
          seconds: Number(seconds.toFixed(2)),
          rowsPerSecond: Math.round(rows / seconds),
          rssBaselineMB: mb(baseline),
          rssPeakMB: mb(peak),
          heapPeakMB: mb(peakHeap),
          maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
        },
        null,
        2,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run(process.argv.slice(2));
