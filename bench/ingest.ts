/**
 * Ingestion benchmark: sustained HTTP batch ingestion through a real listening server on
 * 127.0.0.1 (events/s, acknowledgement latency), and in the same run the raw engine
 * insert rate of the same rows (Engine.insert, no HTTP, no validation, no dedup, no
 * identity); prints the ratio. Also measures the query-time cost of identity resolution
 * (eventsWithPersons vs plain person_id).
 *
 *   npm run bench -- ingest [--events 1000000] [--batch 1000] [--concurrency 32] [--users 100000] [--rounds 5] [--gzip]
 *
 * Query-time cost of identity (eventsWithPersons, src/analyses/shared/persons.ts: a LEFT
 * JOIN on the argMax-collapsed person_overrides of the project), measured on chDB with
 * 3,000,000 events, 300,000 persons and 3,000 overrides (1% of persons merged after their
 * events), median of 5, on this 2-core machine while it was shared (load average ~15):
 *   count(DISTINCT person)            plain person_id 758 ms → with overrides 1,018 ms (+34%)
 *   two-step windowFunnel per person  plain person_id 1,059–1,343 ms → 1,446–2,172 ms (+35–60%)
 * The join side stays one row per merged person, so the cost grows with the events scanned,
 * not with history. This run prints the same comparison on the benchmark's own events.
 *
 * The client runs in a worker thread with pre-built bodies (posthog-node's shape: a
 * `{ api_key, batch, sent_at }` JSON body, uuid v7 per event), so it costs the server
 * little CPU. Each request is acknowledged only after its events are written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createProject } from '../src/app/projects.js';
import type { AppContext } from '../src/app/context.js';
import { loadConfig } from '../src/config/load.js';
import { eventsWithPersons } from '../src/analyses/shared/persons.js';
import { initialPersonId } from '../src/ingestion/uuid.js';
import { writerFor } from '../src/ingestion/writer.js';
import { buildServer } from '../src/server/app.js';
import { compile, p, sql } from '../src/sql/index.js';
import { openStorage } from '../src/storage/open.js';

interface Options {
  events: number;
  batch: number;
  concurrency: number;
  users: number;
  gzip: boolean;
  rounds: number;
}

function parseArgs(args: string[]): Options {
  const o: Options = { events: 1_000_000, batch: 1000, concurrency: 32, users: 100_000, gzip: false, rounds: 5 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--gzip') o.gzip = true;
    else if (a.startsWith('--') && a.slice(2) in o) (o as unknown as Record<string, number>)[a.slice(2)] = Number(args[++i]);
  }
  return o;
}

/** Builds the events of batch `b` — the same in the client worker and for the raw insert. */
const MAKE_BATCH = `
function makeBatch(b, size, users, baseMs) {
  const out = new Array(size);
  const channels = ['douyin', 'baidu', 'wechat', 'seo', 'direct'];
  const events = ['$pageview', 'ad_click', 'sign_up', 'product_view', 'add_to_cart', 'order_paid'];
  for (let i = 0; i < size; i++) {
    const n = b * size + i;
    const ms = baseMs + n;
    const hex = ms.toString(16).padStart(12, '0');
    const r = (n * 2654435761 >>> 0).toString(16).padStart(8, '0');
    const c = n.toString(16).padStart(12, '0');
    const uuid = hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-7' + r.slice(0, 3) + '-8' + r.slice(3, 6) + '-' + c;
    const user = (n * 7919) % users;
    const ev = events[n % events.length];
    out[i] = {
      event: ev,
      distinct_id: 'user-' + user,
      uuid,
      timestamp: new Date(ms).toISOString(),
      properties: {
        $lib: 'posthog-node', $lib_version: '4.2.0', channel: channels[user % 5], $os: user % 3 ? 'iOS' : 'Android',
        app_version: '3.' + (user % 7) + '.0', region: 'cn-' + (user % 30), device_type: user % 4 ? 'mobile' : 'desktop',
        $current_url: 'https://shop.example.cn/p/' + (n % 5000) + '?utm_source=' + channels[user % 5],
        ...(ev === 'order_paid' ? { revenue: (n % 500) + 0.99, currency: 'CNY', order_id: 'o' + n } : {}),
      },
    };
  }
  return out;
}`;

const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const zlib = require('node:zlib');
${MAKE_BATCH}
const { port, key, batches, size, users, baseMs, concurrency, gzip } = workerData;
const bodies = [];
for (let b = 0; b < batches; b++) {
  const json = JSON.stringify({ api_key: key, sent_at: new Date().toISOString(), batch: makeBatch(b, size, users, baseMs) });
  bodies.push(gzip ? zlib.gzipSync(json) : Buffer.from(json));
}
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const latencies = [];
let next = 0, accepted = 0, failed = 0, bytes = 0;
function send(body) {
  return new Promise((resolve) => {
    const t = performance.now();
    const req = http.request({ host: '127.0.0.1', port, path: '/batch/', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length, ...(gzip ? { 'content-encoding': 'gzip' } : {}) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        latencies.push(performance.now() - t);
        if (res.statusCode === 200) accepted += JSON.parse(Buffer.concat(chunks).toString()).accepted; else { failed++; if (failed < 3) console.error(res.statusCode, Buffer.concat(chunks).toString().slice(0, 300)); }
        resolve();
      });
    });
    req.on('error', (e) => { failed++; console.error(e.message); resolve(); });
    req.end(body);
  });
}
let end = 0;
async function loop() { while (next < end) { const body = bodies[next++]; bytes += body.length; await send(body); } }
parentPort.on('message', async ({ from, to }) => {
  next = from; end = to; latencies.length = 0; accepted = 0; failed = 0; bytes = 0;
  const t = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  parentPort.postMessage({ seconds: (performance.now() - t) / 1000, latencies: latencies.slice(), accepted, failed, bytes });
});
parentPort.postMessage('ready');
`;

const makeBatch = new Function(`${MAKE_BATCH}; return makeBatch;`)() as (b: number, size: number, users: number, baseMs: number) => Record<string, unknown>[];

function pct(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

export async function run(args: string[]): Promise<void> {
  const o = parseArgs(args);
  const batches = Math.ceil(o.events / o.batch);
  const dir = mkdtempSync(join(tmpdir(), 'fupan-bench-'));
  const config = loadConfig({ env: { FUPAN_DATA_DIR: dir, FUPAN_LOG_LEVEL: 'silent', FUPAN_MAX_BODY_BYTES: String(64 * 1024 * 1024) } });
  const storage = await openStorage(config);
  const ctx: AppContext = { config, engine: storage.engine, meta: storage.meta };
  const baseMs = Date.now() - 3_600_000;
  console.log(`ingest bench: ${batches * o.batch} events, ${o.batch}/request, ${o.concurrency} concurrent requests, ${o.users} users${o.gzip ? ', gzip' : ''}; data in ${dir}`);
  try {
    // The HTTP run and the raw run alternate in rounds, so both see the same machine (the
    // benchmark machines are shared; a load change between two long phases would skew
    // the ratio).
    const { ingestKey } = await createProject(ctx, { id: 'bench', name: 'Bench' });
    const app = await buildServer(ctx, { webDist: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const worker = new Worker(CLIENT, {
      eval: true,
      workerData: { port, key: ingestKey, batches, size: o.batch, users: o.users, baseMs, concurrency: o.concurrency, gzip: o.gzip },
    });
    await new Promise<void>((resolve) => worker.once('message', () => resolve()));

    // The raw side inserts the rows the HTTP side writes: each user's own person (the id the
    // writer derives from the distinct id) with a person number, so the views on `events`
    // do the same work. (Until 2026-11-22 every raw row carried one person, which let the
    // per-person views collapse each insert to a few rows and overstated the raw rate.)
    const rawPerson = (user: number) => initialPersonId('raw', `user-${user}`);
    await storage.engine.insert(
      'person_numbers',
      Array.from({ length: o.users }, (_, u) => ({ project_id: 'raw', person_id: rawPerson(u), num: u + 1 })),
    );
    const rawBatch = 50_000;
    let rawMs = 0;
    let rawCount = 0;
    const http = { seconds: 0, latencies: [] as number[], accepted: 0, failed: 0, bytes: 0, cpuMicros: 0 };
    const perRound = Math.ceil(batches / o.rounds);
    for (let from = 0; from < batches; from += perRound) {
      const to = Math.min(batches, from + perRound);
      // Raw: Engine.insert of the same rows (person ids and UTC times precomputed).
      let rows: Record<string, unknown>[] = [];
      const flush = async () => {
        const t = performance.now();
        await storage.engine.insert('events', rows, { rowsAreUnique: true });
        rawMs += performance.now() - t;
        rawCount += rows.length;
        rows = [];
      };
      for (let b = from; b < to; b++) {
        for (const e of makeBatch(b, o.batch, o.users, baseMs)) {
          const ts = new Date(e['timestamp'] as string).toISOString();
          rows.push({
            project_id: 'raw',
            uuid: e['uuid'],
            event: e['event'],
            distinct_id: e['distinct_id'],
            person_id: rawPerson(Number((e['distinct_id'] as string).slice(5))),
            timestamp: `${ts.slice(0, 10)} ${ts.slice(11, 23)}`,
            properties: JSON.stringify(e['properties']),
            flags: 0,
          });
        }
        if (rows.length >= rawBatch) await flush();
      }
      if (rows.length) await flush();
      // HTTP: the worker sends batches [from, to) and waits for every acknowledgement.
      const cpu0 = process.cpuUsage();
      worker.postMessage({ from, to });
      const r = await new Promise<{ seconds: number; latencies: number[]; accepted: number; failed: number; bytes: number }>((resolve) =>
        worker.once('message', resolve),
      );
      const cpu = process.cpuUsage(cpu0);
      http.seconds += r.seconds;
      http.latencies.push(...r.latencies);
      http.accepted += r.accepted;
      http.failed += r.failed;
      http.bytes += r.bytes;
      http.cpuMicros += cpu.user + cpu.system;
    }
    await worker.terminate();
    await app.close();

    const rawRate = rawCount / (rawMs / 1000);
    const lat = http.latencies.sort((a, b) => a - b);
    const httpRate = http.accepted / http.seconds;
    const stats = writerFor(storage.engine).stats;
    console.log(`raw engine insert (Engine.insert, ${rawBatch} rows per insert): ${rawCount.toLocaleString('en')} rows in ${(rawMs / 1000).toFixed(2)} s = ${Math.round(rawRate).toLocaleString('en')} rows/s`);
    console.log(
      `HTTP /batch: ${http.accepted.toLocaleString('en')} events acknowledged in ${http.seconds.toFixed(2)} s = ${Math.round(httpRate).toLocaleString('en')} events/s ` +
        `(${(http.bytes / http.seconds / 1e6).toFixed(1)} MB/s of bodies, ${http.failed} failed requests)`,
    );
    console.log(`ack latency per request: p50 ${pct(lat, 0.5).toFixed(1)} ms, p99 ${pct(lat, 0.99).toFixed(1)} ms, max ${lat[lat.length - 1]?.toFixed(1)} ms`);
    console.log(
      `writer: ${stats.groups} inserts (avg ${Math.round(stats.events / Math.max(1, stats.groups))} events); dedup ${Math.round(stats.dedupMs)} ms ` +
        `(${stats.dedupLookups.toLocaleString('en')} uuids looked up in the table), identity ${Math.round(stats.identityMs)} ms, engine insert ${Math.round(stats.insertMs)} ms; ` +
        `server process CPU during HTTP ${(http.cpuMicros / 1e6 / http.seconds).toFixed(2)} cores`,
    );
    console.log(`ratio HTTP / raw: ${(httpRate / rawRate).toFixed(2)}`);

    // 3. Query-time cost of identity resolution.
    await identityCost(ctx, 'bench');
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Times count(DISTINCT person) over the project with and without the overrides join. */
async function identityCost(ctx: AppContext, projectId: string): Promise<void> {
  const [{ n }] = (await ctx.engine.query<{ n: number }>(compile(sql`SELECT count() AS n FROM events WHERE project_id = ${p.string(projectId)}`))) as [{ n: number }];
  // Plant overrides for 1% of the persons (merges that happened after their events).
  await ctx.engine.command(
    compile(sql`INSERT INTO person_overrides (project_id, old_person_id, override_person_id, version)
      SELECT ${p.string(projectId)}, person_id, generateUUIDv4(), 1 FROM (SELECT DISTINCT person_id FROM events WHERE project_id = ${p.string(projectId)}) WHERE cityHash64(person_id) % 100 = 0`),
  );
  const [{ o }] = (await ctx.engine.query<{ o: number }>(compile(sql`SELECT count() AS o FROM person_overrides WHERE project_id = ${p.string(projectId)}`))) as [{ o: number }];
  const plain = sql`SELECT count(DISTINCT person_id) AS u FROM events WHERE project_id = ${p.string(projectId)}`;
  const resolved = sql`SELECT count(DISTINCT person_id) AS u FROM ${eventsWithPersons({ projectId })}`;
  const time = async (f: ReturnType<typeof sql>) => {
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await ctx.engine.query(compile(f));
      runs.push(performance.now() - t);
    }
    return runs.sort((a, b) => a - b)[2]!;
  };
  const a = await time(plain);
  const b = await time(resolved);
  console.log(
    `identity at query time over ${n.toLocaleString('en')} events, ${o.toLocaleString('en')} overrides: plain person_id ${a.toFixed(0)} ms, ` +
      `eventsWithPersons ${b.toFixed(0)} ms (median of 5, ×${(b / a).toFixed(2)})`,
  );
}
