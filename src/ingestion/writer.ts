import type { Engine } from '../storage/engine.js';
import { findStoredUuids, loadWatermark, type SeenSince } from './dedup.js';
import { IdentityResolver } from './identity.js';
import type { NormalizedEvent } from './normalize.js';

interface Job {
  projectId: string;
  events: readonly NormalizedEvent[];
  resolve(result: WriteResult): void;
  reject(error: unknown): void;
}

export interface WriteResult {
  written: number;
  /** Positions (NormalizedEvent.index) of the events skipped as already stored or repeated. */
  duplicates: number[];
}

/** Timings of the writer's steps, summed since start (for the benchmark and profiling). */
export interface WriterStats {
  groups: number;
  events: number;
  dedupMs: number;
  /** Uuids checked against the table (the rest were settled in memory, see dedup.ts). */
  dedupLookups: number;
  identityMs: number;
  insertMs: number;
}

/**
 * The one writer of events per engine in a process. Batches queue up while an insert is
 * in flight and are then written together (one dedup lookup, one identity pass, one
 * engine insert), which is both the no-race guarantee — the dedup check and the insert
 * of a group run with nothing in between — and the throughput trick.
 *
 * Each caller's promise resolves only after the insert holding its events resolved; if
 * anything in the group fails, every caller in it is rejected and nothing is acknowledged.
 */
export class SerialWriter {
  readonly stats: WriterStats = { groups: 0, events: 0, dedupMs: 0, dedupLookups: 0, identityMs: 0, insertMs: 0 };
  private queue: Job[] = [];
  private queued = 0;
  private lastEnqueue = 0;
  private wake: (() => void) | undefined;
  private busy = false;
  private readonly identity: IdentityResolver;
  /** Per project, when this process owns the event store (chDB): see dedup.ts. */
  private readonly seen = new Map<string, SeenSince>();

  constructor(
    private readonly engine: Engine,
    private readonly maxEventsPerInsert = 100_000,
    identityCacheSize = 1_000_000,
    /** When fewer events than this are queued and batches keep arriving, wait up to `lingerMs` for more. */
    private readonly targetEventsPerInsert = 20_000,
    private readonly lingerMs = 50,
  ) {
    this.identity = new IdentityResolver(engine, identityCacheSize);
  }

  write(projectId: string, events: readonly NormalizedEvent[]): Promise<WriteResult> {
    return new Promise<WriteResult>((resolve, reject) => {
      this.queue.push({ projectId, events, resolve, reject });
      this.queued += events.length;
      this.lastEnqueue = performance.now();
      if (this.queued >= this.targetEventsPerInsert) this.wake?.();
      if (!this.busy) {
        this.busy = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        // Linger while the queue is small and requests keep arriving (after a long insert,
        // the clients answered together send again together): bigger inserts cost less per
        // row. Stops at the target size, after LINGER_IDLE_MS without a new batch, or
        // after lingerMs.
        const lingerStart = performance.now();
        while (
          this.queued < this.targetEventsPerInsert &&
          this.stats.groups > 0 &&
          performance.now() - lingerStart < this.lingerMs &&
          performance.now() - Math.max(this.lastEnqueue, lingerStart) < LINGER_IDLE_MS
        ) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, LINGER_IDLE_MS);
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.wake = undefined;
        }
        let n = 0;
        let take = 0;
        while (take < this.queue.length && (take === 0 || n + this.queue[take]!.events.length <= this.maxEventsPerInsert)) {
          n += this.queue[take]!.events.length;
          take++;
        }
        const group = this.queue.splice(0, take);
        this.queued -= n;
        const byProject = new Map<string, Job[]>();
        for (const job of group) {
          const list = byProject.get(job.projectId) ?? [];
          list.push(job);
          byProject.set(job.projectId, list);
        }
        for (const [projectId, jobs] of byProject) {
          try {
            const results = await this.writeGroup(projectId, jobs);
            jobs.forEach((job, i) => job.resolve(results[i]!));
          } catch (e) {
            this.reset(projectId);
            if (jobs.length === 1) {
              jobs[0]!.reject(e);
              continue;
            }
            // One caller's batch must not fail the others': write them one by one.
            for (const job of jobs) {
              try {
                job.resolve((await this.writeGroup(projectId, [job]))[0]!);
              } catch (err) {
                this.reset(projectId);
                job.reject(err);
              }
            }
          }
        }
      }
    } finally {
      this.busy = false;
    }
  }

  /** After a failure: the insert may have landed even though it reported failure, so
   * forget the in-memory state and check against the tables again. */
  private reset(projectId: string): void {
    this.identity.discard();
    this.seen.delete(projectId);
  }

  private async writeGroup(projectId: string, jobs: Job[]): Promise<WriteResult[]> {
    let t = performance.now();
    let since = this.seen.get(projectId);
    if (!since && this.engine.kind === 'chdb') {
      since = await loadWatermark(this.engine, projectId);
      this.seen.set(projectId, since);
    }
    const check: string[] = [];
    for (const job of jobs) for (const e of job.events) if (!since || !since.settles(e.uuid)) check.push(e.uuid);
    this.stats.dedupLookups += check.length;
    const stored = check.length ? await findStoredUuids(this.engine, projectId, check) : new Set<string>();
    const seen = new Set<string>();
    const keep: NormalizedEvent[] = [];
    const results: WriteResult[] = jobs.map((job) => {
      const duplicates: number[] = [];
      let written = 0;
      for (const e of job.events) {
        if (stored.has(e.uuid) || seen.has(e.uuid) || since?.has(e.uuid)) {
          duplicates.push(e.index);
          continue;
        }
        seen.add(e.uuid);
        keep.push(e);
        written++;
      }
      return { written, duplicates };
    });
    const t1 = performance.now();
    this.stats.dedupMs += t1 - t;
    t = t1;
    if (!keep.length) return results;

    await this.identity.prepare(projectId, keep);
    const persons = await this.identity.assign(projectId, keep);
    await this.identity.flush();
    const t2 = performance.now();
    this.stats.identityMs += t2 - t;

    const lines = new Array<string>(keep.length);
    for (let i = 0; i < keep.length; i++) lines[i] = keep[i]!.linePrefix + persons[i] + '"}';
    const payload = Buffer.from(lines.join('\n'));
    // `keep` holds each uuid once (checked above), so the insert may skip the engine's own
    // in-block dedup pass.
    if (this.engine.insertJsonLines) await this.engine.insertJsonLines('events', payload, { rowsAreUnique: true });
    else await this.engine.insert('events', lines.map((l) => JSON.parse(l) as Record<string, unknown>), { rowsAreUnique: true });
    if (since) for (const e of keep) since.add(e.uuid);
    this.stats.insertMs += performance.now() - t2;
    this.stats.groups++;
    this.stats.events += keep.length;
    return results;
  }

  /**
   * Call after writing events to a project by any other way than this writer (the
   * in-memory dedup state assumes this writer is the only one).
   */
  invalidate(projectId?: string): void {
    if (projectId === undefined) this.seen.clear();
    else this.seen.delete(projectId);
  }
}

/** A lull this long ends the linger: nothing more is coming soon. */
const LINGER_IDLE_MS = 10;

const writers = new WeakMap<Engine, SerialWriter>();

/** The process's writer for this engine (created on first use). */
export function writerFor(engine: Engine, options: { maxEventsPerInsert?: number; identityCacheSize?: number } = {}): SerialWriter {
  let w = writers.get(engine);
  if (!w) {
    w = new SerialWriter(engine, options.maxEventsPerInsert, options.identityCacheSize);
    writers.set(engine, w);
  }
  return w;
}
