/**
 * Report benchmark on demo data, embedded chDB + PGlite in one process:
 *
 *   npm run bench -- report [--events 1500000] [--period quarter|month|week] [--runs 2] [--dir D]
 *
 * Generates the demo (with its goals, metrics and published reports) once per size into
 * `--dir`, then times building the draft report of the current quarter (or month / last
 * complete week) — every query the report runs — next to, in the same run, the engine's
 * floor: one plain scan of the period's events (count by event and day). Target (issue 5):
 * a quarterly report over the 100 M-event demo in at most 20 s on a 2-core machine.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runDemo } from '../src/app/demo.js';
import { getReport } from '../src/app/reports.js';
import { isoWeekLabel, parsePeriod, periodRange } from '../src/analyses/shared/period.js';
import { loadConfig } from '../src/config/load.js';
import { compile, p, sql } from '../src/sql/index.js';
import { openStorage } from '../src/storage/open.js';

function parseArgs(args: string[]) {
  const o = { events: 1_500_000, period: 'quarter', runs: 2, dir: '' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!.replace(/^--/, '');
    if (a === 'period' || a === 'dir') o[a] = args[++i]!;
    else if (a === 'events' || a === 'runs') o[a] = Number(args[++i]);
  }
  o.dir ||= join('/tmp', `fupan-bench-report-${o.events}`);
  return o;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(args: string[]): Promise<void> {
  const o = parseArgs(args);
  const fresh = !existsSync(join(o.dir, 'postgres'));
  const config = loadConfig({ env: {}, flags: { dataDir: o.dir } });
  const storage = await openStorage(config);
  const ctx = { config, engine: storage.engine, meta: storage.meta };
  try {
    if (fresh) {
      const t0 = performance.now();
      process.stderr.write(`generating the demo with ${o.events.toLocaleString()} events into ${o.dir} …\n`);
      await runDemo(ctx, { events: o.events });
      process.stderr.write(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    }
    // The report as of the demo's last event (what a user sees right after generating it):
    // a demo generated on an earlier day would otherwise count days without data.
    const [{ today, last } = { today: '', last: '' }] = await storage.engine.query<{ today: string; last: string }>(
      compile(sql`SELECT toString(toDate(max(timestamp), 'Asia/Shanghai')) AS today, max(timestamp) AS last FROM events WHERE project_id = ${p.string('demo')}`),
    );
    const now = new Date(`${last.replace(' ', 'T').replace(/Z?$/, 'Z')}`);
    const label =
      o.period === 'week'
        ? isoWeekLabel(new Date(Date.parse(today) - 7 * 86400000).toISOString().slice(0, 10))
        : o.period === 'month'
          ? today.slice(0, 7)
          : `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
    const range = periodRange(parsePeriod(label), 'Asia/Shanghai');
    const scan = compile(sql`SELECT event, toDate(timestamp, 'Asia/Shanghai') AS d, count() AS n, uniq(person_id) AS u FROM events
      WHERE project_id = ${p.string('demo')} AND timestamp >= ${p.dateTime(range.from)} AND timestamp < ${p.dateTime(range.to)} GROUP BY event, d`);
    const reportTimes: number[] = [];
    const reportCpu: number[] = [];
    const floorTimes: number[] = [];
    let findings = 0;
    for (let i = 0; i < o.runs; i++) {
      let t = performance.now();
      await storage.engine.query(scan);
      floorTimes.push((performance.now() - t) / 1000);
      t = performance.now();
      const cpu = process.cpuUsage();
      const { report } = await getReport(ctx, 'demo', label, 'zh-CN', { now });
      reportTimes.push((performance.now() - t) / 1000);
      const used = process.cpuUsage(cpu);
      reportCpu.push((used.user + used.system) / 1e6);
      findings = report.causes.findings.length;
    }
    const r = median(reportTimes);
    const f = median(floorTimes);
    console.log(`report ${label} over ${o.events.toLocaleString()} demo events, as of ${now.toISOString()}`);
    // The process's CPU time (the engine runs in it) varies less than wall time on a shared machine.
    console.log(`  runs: ${reportTimes.map((x, i) => `${x.toFixed(2)} s (CPU ${reportCpu[i]!.toFixed(1)} s)`).join(', ')}; the first in a fresh process`);
    console.log(`  report build (median of ${o.runs}): ${r.toFixed(2)} s   (${findings} findings)`);
    console.log(`  engine floor, one scan of the period: ${f.toFixed(2)} s`);
    console.log(`  ratio report / floor: ${(r / f).toFixed(1)}x   target: report ≤ 20 s at 100 M events (quarter)`);
  } finally {
    await storage.close();
  }
}
