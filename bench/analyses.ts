/**
 * Analyses benchmark on demo data, in one process on embedded chDB:
 *
 *   npm run bench -- analyses [--events 100000000] [--runs 3] [--dir /tmp/fupan-bench-analyses] [--seed N] [--now ISO]
 *
 * `--dir` may also be a data directory made by `fupan demo --data-dir D --today YYYY-MM-DD`:
 * pass `--now` as that day's end (e.g. --today 2026-11-21 → --now 2026-11-21T15:59:59Z) so
 * the ranges below fall on its data.
 *
 * Generates the demo dataset once per (events, seed) into `--dir` (reused by later runs),
 * then times each analysis through its public `Analysis.run` — a 5-step funnel with a
 * channel breakdown, a 12-week retention, DAU by channel over 90 days (trends) and channel
 * performance — and, in the same run, the engine's floor for it: a plain scan of the same
 * columns over the same rows. For the funnel it also times a hand-written `windowFunnel`
 * query over the same data (same identity resolution, same range and window).
 *
 * Reports the median of `--runs` runs (wall time, and the process's CPU time, which is
 * steadier on a shared machine) and the process's peak resident memory while the analysis
 * ran (chDB runs in-process and has no query log, so RSS sampled every 5 ms is the honest
 * number: engine plus Node).
 *
 * Sort key: the events table's key (project_id, toDate(timestamp), event, …) is kept. Every
 * query here filters a project, a date range and (funnel, retention, trends) a handful of
 * event names: the key prunes granules by day and then by event inside each day, so a
 * 5-step funnel over 30 days reads ~1 M of 10 M rows. A person-first key would let GROUP BY
 * person_id run in order, but would lose the date pruning that every analysis relies on;
 * the per-person work is instead kept small (only entrants' events are collected).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ANALYSES } from '../src/analyses/registry.js';
import type { AnalysisContext } from '../src/analyses/shared/context.js';
import { resolveRange } from '../src/analyses/shared/date-range.js';
import { eventsWithPersons } from '../src/analyses/shared/persons.js';
import { windowEnd } from '../src/analyses/funnel/source.js';
import { makePlan } from '../src/demo/plan.js';
import { generateDemo } from '../src/demo/runner.js';
import { DEMO_PROJECT } from '../src/demo/story.js';
import { parseInput } from '../src/core/validation.js';
import { compile, type Fragment, p, sql } from '../src/sql/index.js';
import { ChdbEngine } from '../src/storage/chdb-engine.js';
import { migrateClickHouse } from '../src/storage/clickhouse/migrate.js';
import type { Engine } from '../src/storage/engine.js';

interface Options {
  events: number;
  runs: number;
  dir: string;
  seed: number;
  now: string;
}

function parseArgs(args: string[]): Options {
  // "now" is pinned so a reused directory keeps answering the same questions.
  const o: Options = { events: 1_000_000, runs: 3, dir: '', seed: 20240701, now: '2025-07-16T04:00:00Z' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!.replace(/^--/, '');
    if (a === 'dir' || a === 'now') o[a] = args[++i]!;
    else if (a in o) (o as unknown as Record<string, number>)[a] = Number(args[++i]);
  }
  if (!o.dir) o.dir = join('/tmp', `fupan-bench-analyses-${o.events}-${o.seed}`);
  return o;
}

/** Runs `fn` and returns its wall time and the peak RSS seen while it ran. */
interface Sample {
  ms: number;
  /** CPU time of the whole process (chDB's threads included): steadier than wall time on a shared machine. */
  cpu: number;
  rss: number;
}

async function measure(fn: () => Promise<unknown>): Promise<Sample> {
  let rss = process.memoryUsage.rss();
  const timer = setInterval(() => (rss = Math.max(rss, process.memoryUsage.rss())), 5);
  const t = performance.now();
  const c = process.cpuUsage();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  const used = process.cpuUsage(c);
  return { ms: performance.now() - t, cpu: (used.user + used.system) / 1000, rss: Math.max(rss, process.memoryUsage.rss()) };
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<Sample> {
  const out: Sample[] = [];
  for (let i = 0; i < runs; i++) out.push(await measure(fn));
  const mid = <K extends 'ms' | 'cpu'>(k: K) => [...out].sort((a, b) => a[k] - b[k])[Math.floor(out.length / 2)]![k];
  return { ms: mid('ms'), cpu: mid('cpu'), rss: Math.max(...out.map((x) => x.rss)) };
}

const STEPS = ['ad_click', 'sign_up', 'anchor_wall_view', 'robot_call', 'order_paid'];

/** A floor: read the named columns of the rows an analysis reads, and nothing else. */
function scan(projectId: string, from: Date, to: Date, events: readonly string[] | null, columns: string): Fragment {
  return sql`SELECT count(), sum(cityHash64(${sql.trusted(columns)})) FROM events
    WHERE project_id = ${p.string(projectId)} AND timestamp >= ${p.dateTime(from)} AND timestamp < ${p.dateTime(to)}
    ${events ? sql`AND event IN ${p.strings(events)}` : sql.empty}`;
}

/** The hand-written funnel: ClickHouse's windowFunnel over the same persons and rows. */
function windowFunnelQuery(projectId: string, from: Date, to: Date): Fragment {
  const window = 14 * 86400;
  const source = eventsWithPersons({ projectId, range: { from, to: windowEnd(to, { value: 14, unit: 'day' }) }, events: STEPS });
  const conds = STEPS.map((e, i) => (i === 0 ? sql`event = ${p.string(e)} AND timestamp < ${p.dateTime(to)}` : sql`event = ${p.string(e)}`));
  return sql`SELECT level, bv, count() FROM (
      SELECT person_id, windowFunnel(${sql.trusted(String(window))})(toDateTime(timestamp), ${sql.join(conds)}) AS level,
        argMinIf(channel, timestamp, event = ${p.string(STEPS[0]!)}) AS bv
      FROM ${source} GROUP BY person_id)
    WHERE level > 0 GROUP BY level, bv`;
}

export async function run(args: string[]): Promise<void> {
  const o = parseArgs(args);
  mkdirSync(o.dir, { recursive: true });
  const engine: Engine = new ChdbEngine(join(o.dir, 'clickhouse'));
  await migrateClickHouse(engine);
  const projectId = DEMO_PROJECT.id;

  const now = new Date(o.now);
  if (Number.isNaN(now.getTime())) throw new Error(`--now: not a date: ${o.now}`);
  const [have] = await engine.query<{ n: number }>(compile(sql`SELECT count() AS n FROM events WHERE project_id = ${p.string(projectId)}`));
  if (Math.abs(Number(have?.n ?? 0) - o.events) > o.events * 0.2) {
    console.log(`generating ~${o.events.toLocaleString()} demo events into ${o.dir} …`);
    const g = await generateDemo(engine, makePlan({ events: o.events, seed: o.seed, now }), (x) => {
      if (x.phase === 'generate') process.stdout.write(`\r  ${x.done}/${x.total} persons, ${x.events.toLocaleString()} events`);
    });
    console.log(`\n  ${g.events.toLocaleString()} events, ${g.persons.toLocaleString()} persons in ${g.seconds} s`);
    await engine.command({ sql: 'OPTIMIZE TABLE events FINAL', params: {} });
  }
  const [stats] = await engine.query<{ n: number; persons: number }>(
    compile(sql`SELECT count() AS n, uniq(person_id) AS persons FROM events WHERE project_id = ${p.string(projectId)}`),
  );
  console.log(`data: ${Number(stats!.n).toLocaleString()} events, ~${Number(stats!.persons).toLocaleString()} persons; runs: ${o.runs} (median)`);

  const ctx: AnalysisContext = { projectId, timeZone: DEMO_PROJECT.timeZone, weekStart: 'monday', currency: 'CNY', now };
  const settings = { max_execution_time: 600 };
  const q = (f: Fragment) => () => engine.query(compile(f), { settings });
  const analysis = (spec: Record<string, unknown>) => {
    const a = ANALYSES[spec.kind as string];
    if (!a) return null;
    const parsed = parseInput(a.schema, spec);
    return () => a.run(parsed, ctx, { ...engine, query: (c, opts) => engine.query(c, { ...opts, settings: { ...settings, ...opts?.settings } }) } as Engine);
  };

  const d90 = resolveRange('last_90_days', ctx);
  const w12 = resolveRange('last_12_weeks', ctx);
  const d30 = resolveRange('last_30_days', ctx);
  const cases: { name: string; target?: number; run: (() => Promise<unknown>) | null; floor: () => Promise<unknown>; hand?: () => Promise<unknown> }[] = [
    {
      name: 'funnel: 5 steps, 14-day window, breakdown channel (first touch), 30 days',
      target: 3000,
      run: analysis({ kind: 'funnel', dateRange: 'last_30_days', steps: STEPS.map((event) => ({ event })), window: { value: 14, unit: 'day' }, breakdown: { property: 'channel' } }),
      floor: q(scan(projectId, d30.from, windowEnd(d30.to, { value: 14, unit: 'day' }), STEPS, 'person_id, timestamp, event, channel')),
      hand: q(windowFunnelQuery(projectId, d30.from, d30.to)),
    },
    {
      name: 'retention: sign_up → app_launch, 12 weeks, first_time',
      target: 3000,
      run: analysis({ kind: 'retention', dateRange: 'last_12_weeks', startEvent: { event: 'sign_up' }, returnEvent: { event: 'app_launch' }, period: 'week', intervals: 12, type: 'first_time' }),
      floor: q(scan(projectId, new Date(0), w12.to, ['sign_up', 'app_launch'], 'person_id, timestamp, event')),
    },
    {
      name: 'trends: DAU by channel, 90 days',
      target: 2000,
      run: analysis({ kind: 'trends', dateRange: 'last_90_days', interval: 'day', series: [{ event: 'app_launch', math: 'dau' }], breakdown: { property: 'channel' } }),
      floor: q(scan(projectId, d90.from, d90.to, ['app_launch'], 'person_id, timestamp, channel')),
    },
    {
      name: 'channels: performance by channel, 90 days',
      run: analysis({ kind: 'channels', dateRange: 'last_90_days' }),
      floor: q(scan(projectId, new Date(0), d90.to, null, 'person_id, timestamp, event, channel, revenue')),
    },
  ];

  const gb = (b: number) => `${(b / 2 ** 30).toFixed(2)} GB`;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  for (const c of cases) {
    if (!c.run) {
      console.log(`\n${c.name}: not registered, skipped`);
      continue;
    }
    await c.run(); // warm-up (caches, JIT)
    const a = await median(o.runs, c.run);
    const f = await median(o.runs, c.floor);
    console.log(`\n${c.name}`);
    console.log(`  analysis ${s(a.ms)} (cpu ${s(a.cpu)}, peak RSS ${gb(a.rss)})${c.target ? ` target ≤ ${s(c.target)} ${a.ms <= c.target ? 'OK' : 'MISSED'}` : ''}`);
    console.log(`  floor    ${s(f.ms)} (cpu ${s(f.cpu)}; plain scan of the same columns) → ${(a.ms / f.ms).toFixed(1)}× the floor`);
    if (c.hand) {
      const h = await median(o.runs, c.hand);
      console.log(`  windowFunnel by hand ${s(h.ms)} (cpu ${s(h.cpu)}) → analysis / hand = ${(a.ms / h.ms).toFixed(2)} wall, ${(a.cpu / h.cpu).toFixed(2)} cpu (target ≤ 1.30)`);
    }
  }
  console.log(`\npeak RSS of the process: ${gb(process.resourceUsage().maxRSS * 1024)}`);
  await engine.close();
}
