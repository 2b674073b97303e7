import { FupanError, isFupanError } from '../../core/errors/index.js';
import { compile } from '../../sql/index.js';
import type { CompiledQuery } from '../../sql/types.js';
import type { Engine } from '../../storage/engine.js';
import type { MetaStore } from '../../storage/metadata/store.js';
import { firstEventDay } from '../shared/event-volume.js';
import { ANALYSIS_SETTINGS } from '../shared/limits.js';
import { addDays, localDate, startOfLocalDay } from '../shared/time-zone.js';
import { type Atom, type AtomRow, compileAtom, WINDOW_MS } from './compile.js';
import { compileAtomMulti } from './compile-multi.js';
import { TWO_STEP_OVERFLOW, twoStepFunnel } from './funnel-two-step.js';
import { activePersonsAnswer, activePersonsProbe } from './active-persons.js';
import { bitmapsPayOff } from '../shared/active-persons.js';
import { type Expr, formulaRefs, parseFormula } from './formula.js';
import { loadProjectInfo, type ProjectInfo } from './project.js';
import type { Metric } from './schema.js';
import { type AtomEnv, type Segment, TAG_SEPARATOR } from './segment.js';
import { DailySpans } from './daily-spans.js';
import { loadDictionary, metricsOf } from './store.js';
import { atomValues, combine, type SegmentValue, type Values } from './values.js';

export type { SegmentValue } from './values.js';

/** What evaluating metrics needs: the two stores and "now" (injectable for tests). */
export interface MetricsContext {
  engine: Engine;
  meta: MetaStore;
  now?: Date;
  signal?: AbortSignal;
  /**
   * Evaluators shared by span: a report evaluates the same metrics over the same spans in
   * several passes (results, goals, explanations, shifts, anomalies); sharing the
   * evaluator lets every pass reuse the sub-results already computed.
   */
  evaluators?: Map<string, Promise<MetricEvaluator>>;
}

/** Calendar dates (inclusive) in the project's time zone: a Period or a ResolvedRange fits. */
export interface DateSpan {
  fromDate: string;
  toDate: string;
}


/** Reads whose spans lie further apart than this are read in passes of their own (one pass reads every event between its spans). */
const CLUSTER_GAP_MS = 31 * 86_400_000;

/**
 * Evaluates metrics of one project over one date span, sharing queries between metrics
 * (a formula's parts are computed once). Counts only complete days: the span is clipped
 * at the start of "today" in the project's time zone.
 */
export class MetricEvaluator {
  /** The queries whose rows the numbers came from: what reproduces a finding. */
  readonly queries: CompiledQuery[] = [];
  /** Every query run, with the bitmap probes and the reads discarded for a fallback (tests, profiling). */
  readonly trace: CompiledQuery[] = [];
  private memo = new Map<string, Promise<Map<string, AtomRow>>>();
  private parsed = new Map<string, Expr>();
  private firstEventDay?: Promise<Date | null>;

  constructor(
    readonly engine: Engine,
    readonly metrics: Map<string, Metric>,
    readonly project: ProjectInfo,
    readonly span: DateSpan,
    readonly now: Date,
    readonly signal?: AbortSignal,
    /** The UTC day the project's first event is on (null: none); shared by a context's evaluators. */
    private readonly firstEvent: () => Promise<Date | null> = () => firstEventDay(engine, project.id, signal),
    /** The days of daily two-step reads as spans of their own; shared by a context's evaluators. */
    private readonly dailySpans: DailySpans = new DailySpans(),
  ) {}

  /** The last complete day of data (yesterday in the project's time zone). */
  get asOfDate(): string {
    return addDays(localDate(this.now, this.project.timeZone), -1);
  }

  /** The span actually counted: up to the last complete day. */
  get counted(): DateSpan & { complete: boolean } {
    const toDate = this.span.toDate <= this.asOfDate ? this.span.toDate : this.asOfDate;
    return { fromDate: this.span.fromDate, toDate, complete: toDate === this.span.toDate };
  }

  metric(key: string): Metric {
    const m = this.metrics.get(key);
    if (!m) throw new FupanError('not_found', { what: 'metric', id: key });
    return m;
  }

  private env(segment?: Segment): AtomEnv {
    const tz = this.project.timeZone;
    const c = this.counted;
    const from = startOfLocalDay(c.fromDate, tz);
    const to = c.toDate < c.fromDate ? from : startOfLocalDay(addDays(c.toDate, 1), tz);
    return {
      projectId: this.project.id,
      timeZone: tz,
      from,
      to,
      fromDate: c.fromDate,
      toDate: c.toDate,
      asOfDate: this.asOfDate,
      ...(segment ? { segment } : {}),
    };
  }

  private formula(text: string): Expr {
    let e = this.parsed.get(text);
    if (!e) {
      e = parseFormula(text);
      this.parsed.set(text, e);
    }
    return e;
  }

  private atom(atom: Atom, segment?: Segment): Promise<Map<string, AtomRow>> {
    const id = atomId(atom, segment);
    let hit = this.memo.get(id);
    if (!hit) {
      hit = this.readsNothing(atom).then((nothing) =>
        nothing ? new Map<string, AtomRow>() : this.readEnv(atom, this.env(segment)).then((env) => this.run((o) => compile(compileAtom(atom, { ...env, ...o })))),
      );
      this.memo.set(id, hit);
    }
    return hit;
  }

  /**
   * true when the atom's rows are known to be none without its query: every atom but the
   * channel measures (ad spend has a table of its own) counts from events in the span (a
   * funnel's entries, a cohort, first times, sums), so a span without any event of the
   * project has no rows. A report's 同比 basis of a project younger than a year is such a
   * span (it ends before the first event): on the 100 M demo its fourteen queries, each
   * with its identity join and set-up, took ~0.45 s and returned nothing.
   */
  private async readsNothing(atom: Atom): Promise<boolean> {
    if (atom.kind === 'channels') return false;
    this.firstEventDay ??= this.firstEvent();
    const first = await this.firstEventDay;
    return first === null || this.env().to <= first;
  }

  /**
   * The env to compile an atom with: distinct persons read from the hourly bitmaps only
   * when they can answer and are the cheaper read (a probe of the table's small columns).
   */
  private async readEnv<E extends AtomEnv>(atom: Atom, env: E): Promise<E> {
    if (atom.kind !== 'series' || !activePersonsAnswer(atom.series, env)) return env;
    const { query, parts } = activePersonsProbe(atom.series, env);
    this.trace.push(query);
    const [probe] = await this.engine.query<{ states: number; events: number }>(query, this.signal ? { signal: this.signal } : {});
    return bitmapsPayOff(probe, parts) ? env : { ...env, eventsOnly: true };
  }

  /**
   * Runs an atom's query, `build({})`. Two fallbacks, each the same atom compiled another
   * way: read from events when the person bitmaps met a person without a number (a row
   * with `unnumbered` = 1), and through windowFunnel when a two-step funnel's entries had
   * more dimension combinations than its packed numbers index (TWO_STEP_OVERFLOW).
   */
  private async run(build: (o: { eventsOnly?: boolean; windowFunnelOnly?: boolean }) => CompiledQuery): Promise<Map<string, AtomRow>> {
    let used = build({});
    let rows = await this.read<AtomRow & { unnumbered?: number }>(used, () => (used = build({ windowFunnelOnly: true })));
    if (rows.some((r) => Number(r.unnumbered) === 1)) {
      used = build({ eventsOnly: true });
      rows = await this.read<AtomRow>(used);
    }
    this.queries.push(used);
    return new Map(rows.map((r) => [r.seg, toAtomRow(r)]));
  }

  /** Runs a query with the analysis settings; `onOverflow` gives the query to run instead after TWO_STEP_OVERFLOW. */
  private async read<T>(q: CompiledQuery, onOverflow?: () => CompiledQuery): Promise<T[]> {
    const opts = { settings: { ...ANALYSIS_SETTINGS }, ...(this.signal ? { signal: this.signal } : {}) };
    this.trace.push(q);
    try {
      return await this.engine.query<T>(q, opts);
    } catch (e) {
      if (!onOverflow || !isOverflow(e)) throw e;
      const instead = onOverflow();
      this.trace.push(instead);
      return this.engine.query<T>(instead, opts);
    }
  }

  /**
   * Computes a metric for several dimensions in one query per atom (and per `byDay`)
   * instead of one per dimension, and keeps each dimension's rows for later `values`
   * calls: the report's explanations, shifts and anomalies ask for five or more
   * dimensions of the same metric and span, and each query otherwise re-reads the same
   * events and recomputes the same per-person states. Dimensions an atom cannot be split
   * by are left out here (their `values` call raises the usual error).
   *
   * `TOTAL` among the segments puts the whole project's value in the same query, for a
   * later `values(key)` / `total(key)`: a report asks for a rate's total and then for its
   * shifts by dimension, and the total alone re-read the same events (the demo's call rate:
   * 6–8 s per period on the 100 M demo, next to 7–9 s for the four dimensions and the total).
   */
  async prefetch(key: string, segments: Segment[]): Promise<void> {
    await MetricEvaluator.prefetchAcross(key, [{ ev: this, segments }]);
  }

  /**
   * `prefetch` for several evaluators (spans) at once: a two-step funnel is read for all of
   * them in one pass over the events (see `twoStepFunnel`); other atoms in one query per
   * evaluator and `byDay`, as `prefetch` does. A report reads each rate for the period and
   * the previous one by the same dimensions, and day by day for its anomalies: on the 100 M
   * demo the call rate's three reads took 9.6 s apart and 4.1–5.0 s together.
   */
  static async prefetchAcross(key: string, parts: readonly { ev: MetricEvaluator; segments: readonly Segment[] }[]): Promise<void> {
    if (!parts.length) return;
    // One part per evaluator: the same span asked for twice is read once.
    const byEvaluator = new Map<MetricEvaluator, Map<string, Segment>>();
    for (const { ev, segments } of parts) {
      const own = byEvaluator.get(ev) ?? new Map<string, Segment>();
      for (const s of segments) own.set(JSON.stringify(s), s);
      byEvaluator.set(ev, own);
    }
    const atoms = new Map<string, Atom>();
    parts[0]!.ev.collectAtoms(key, atoms, []);
    for (const atom of atoms.values()) {
      // One day of a daily two-step read already answers that day as a span (DailySpans).
      for (const [ev, own] of byEvaluator) {
        for (const s of own.values()) {
          const id = segmentAtomId(atom, s);
          if (ev.memo.has(id)) continue;
          const answer = ev.dailySpans.day(atom, s, ev.counted);
          if (!answer) continue;
          ev.memo.set(id, Promise.resolve(answer.rows));
          if (!ev.queries.includes(answer.query)) ev.queries.push(answer.query);
        }
      }
      // Spans without events answer every segment with no rows (see readsNothing), unread.
      const empty = new Set<MetricEvaluator>();
      for (const ev of byEvaluator.keys()) if (await ev.readsNothing(atom)) empty.add(ev);
      const reads = [...byEvaluator].flatMap(([ev, own]) => {
        const segments = [...own.values()];
        if (empty.has(ev)) {
          for (const s of segments) if (s.value === undefined && !ev.memo.has(segmentAtomId(atom, s))) ev.memo.set(segmentAtomId(atom, s), Promise.resolve(new Map()));
          return [];
        }
        return [segments.filter((s) => !s.byDay), segments.filter((s) => s.byDay)]
          .map((group) => ({ ev, wanted: group.filter((s) => s.value === undefined && !ev.memo.has(segmentAtomId(atom, s)) && compilable(atom, ev.env(s))) }))
          .filter((r) => r.wanted.length > 0);
      });
      let rest = reads;
      if (atom.kind === 'funnel') {
        rest = [];
        for (const cluster of MetricEvaluator.spanClusters(reads)) {
          const together = MetricEvaluator.prefetchTwoStep(atom, cluster);
          if (together) await together;
          else rest.push(...cluster);
        }
      }
      // One query at a time, as a lone prefetch would run them: each already uses every core.
      for (const { ev, wanted } of rest) {
        if (wanted.length < 2) continue;
        const all = ev.readEnv(atom, { ...ev.env(), segments: wanted }).then((env) => ev.run((o) => compile(compileAtomMulti(atom, { ...env, ...o }))));
        wanted.forEach((s, i) => ev.memo.set(segmentAtomId(atom, s), all.then((rows) => untag(rows, i))));
        await all;
      }
    }
    await Promise.all([...byEvaluator].flatMap(([ev, own]) => [...atoms.values()].flatMap((a) => [...own.values()].map((s) => ev.memo.get(segmentAtomId(a, s))).filter((x) => x !== undefined))));
  }

  /**
   * The reads in groups of nearby spans (sorted by start; a read joins the group when it
   * starts within CLUSTER_GAP_MS of the group's end): a goal of last year's quarter should
   * not make the period's pass read the whole year in between.
   */
  private static spanClusters<R extends { ev: MetricEvaluator }>(reads: readonly R[]): R[][] {
    const sorted = [...reads].sort((a, b) => a.ev.env().from.getTime() - b.ev.env().from.getTime());
    const out: { end: number; reads: R[] }[] = [];
    for (const r of sorted) {
      const { from, to } = r.ev.env();
      const last = out[out.length - 1];
      if (last && from.getTime() <= last.end + CLUSTER_GAP_MS) {
        last.reads.push(r);
        last.end = Math.max(last.end, to.getTime());
      } else out.push({ end: to.getTime(), reads: [r] });
    }
    return out.map((c) => c.reads);
  }

  /**
   * Every read of a two-step funnel in one query (rows tagged by read), or undefined when
   * `twoStepFunnel` cannot take them. After TWO_STEP_OVERFLOW each read runs on its own
   * through windowFunnel.
   */
  private static prefetchTwoStep(atom: Extract<Atom, { kind: 'funnel' }>, reads: readonly { ev: MetricEvaluator; wanted: Segment[] }[]): Promise<unknown> | undefined {
    const first = reads[0]?.ev;
    if (!first) return undefined;
    const envs = reads.map((r) => r.ev.env());
    const requests = reads.map((r, i) => ({ from: envs[i]!.from, to: envs[i]!.to, daily: !!r.wanted[0]!.byDay, segments: r.wanted, indexed: true }));
    const fragment = twoStepFunnel(atom.steps, WINDOW_MS[atom.window.unit] * atom.window.value, envs[0]!, requests);
    if (!fragment) return undefined;
    const q = compile(fragment);
    const evaluators = [...new Set(reads.map((r) => r.ev))];
    const all = first
      .read<AtomRow & { req: number; day_num: number }>(q)
      .then((rows) => {
        for (const ev of evaluators) {
          if (ev !== first) ev.trace.push(q);
          ev.queries.push(q);
        }
        return reads.map((r, i) => {
          const own = rows.filter((row) => Number(row.req) === i);
          if (requests[i]!.daily) r.wanted.forEach((s, j) => r.ev.dailySpans.record(atom, s, r.ev.counted, q, untagRows(own, j)));
          return new Map(own.map((row) => [row.seg, toAtomRow(row)]));
        });
      })
      .catch(async (e: unknown) => {
        if (!isOverflow(e)) throw e;
        return Promise.all(reads.map((r, i) => r.ev.run(() => compile(compileAtomMulti(atom, { ...envs[i]!, segments: r.wanted, windowFunnelOnly: true })))));
      });
    reads.forEach((r, i) => r.wanted.forEach((s, j) => r.ev.memo.set(segmentAtomId(atom, s), all.then((byRead) => untag(byRead[i]!, j)))));
    return all;
  }

  private collectAtoms(key: string, out: Map<string, Atom>, stack: string[]): void {
    if (stack.includes(key)) throw new FupanError('metric_cycle', { cycle: [...stack, key].join(' → ') });
    const def = this.metric(key).definition;
    if (def.kind === 'formula') {
      for (const ref of formulaRefs(this.formula(def.formula))) this.collectAtoms(ref, out, [...stack, key]);
    } else if (def.kind === 'trends') {
      for (const s of def.series) out.set(JSON.stringify(s), { kind: 'series', series: s });
    } else {
      out.set(JSON.stringify(def), def);
    }
  }

  /** Values per segment value ('' when `segment` is undefined). */
  async values(key: string, segment?: Segment): Promise<Map<string, SegmentValue>> {
    const v = await this.parts(key, segment, []);
    if (!segment) v.rows.set('', v.rows.get('') ?? v.zero);
    else if (segment.value !== undefined) v.rows.set(segment.value, v.rows.get(segment.value) ?? v.zero);
    return v.rows;
  }

  private async parts(key: string, segment: Segment | undefined, stack: string[]): Promise<Values> {
    if (stack.includes(key)) throw new FupanError('metric_cycle', { cycle: [...stack, key].join(' → ') });
    const def = this.metric(key).definition;
    if (def.kind === 'formula') {
      const expr = this.formula(def.formula);
      const parts = new Map<string, Values>();
      for (const ref of formulaRefs(expr)) parts.set(ref, await this.parts(ref, segment, [...stack, key]));
      return combine(expr, parts);
    }
    if (def.kind === 'trends') {
      const expr = this.formula(def.formula ?? 'A');
      const parts = new Map<string, Values>();
      for (const [i, s] of def.series.entries()) parts.set(String.fromCharCode(65 + i), atomValues({ kind: 'series', series: s }, await this.atom({ kind: 'series', series: s }, segment)));
      return combine(expr, parts);
    }
    return atomValues(def, await this.atom(def, segment));
  }

  /** The metric for the whole project (or one dimension value). */
  async total(key: string, dimension?: Segment): Promise<SegmentValue> {
    const map = await this.values(key, dimension);
    return map.get(dimension ? dimension.value ?? '' : '')!;
  }
}

function toAtomRow(r: AtomRow): AtomRow {
  return { seg: r.seg, num: Number(r.num), den: Number(r.den), x: Number(r.x) };
}

/** The engine refused a two-step funnel's packed numbers: too many dimension combinations. */
function isOverflow(e: unknown): boolean {
  return isFupanError(e) && e.code === 'query_failed' && String(e.details['problem'] ?? '').includes(TWO_STEP_OVERFLOW);
}

function atomId(atom: Atom, segment: Segment | undefined): string {
  return JSON.stringify([atom, segment ?? null]);
}

/** The whole project as a segment of `prefetch` (no property, not by day). */
export const TOTAL: Segment = { property: '', type: 'event' };

const isTotal = (s: Segment) => !s.property && !s.byDay && s.value === undefined;

/** A prefetched segment's memo key: `TOTAL`'s rows are those of `values(key)` without a segment. */
function segmentAtomId(atom: Atom, s: Segment): string {
  return atomId(atom, isTotal(s) ? undefined : s);
}

function compilable(atom: Atom, env: AtomEnv): boolean {
  try {
    compileAtom(atom, env);
    return true;
  } catch (e) {
    if (e instanceof FupanError && e.code === 'metric_unavailable') return false;
    throw e;
  }
}

/** `untag` for rows that carry more than an AtomRow (a two-step read's `day_num`). */
function untagRows<R extends AtomRow>(rows: readonly R[], i: number): R[] {
  const prefix = `${i}${TAG_SEPARATOR}`;
  return rows.filter((r) => r.seg.startsWith(prefix)).map((r) => ({ ...r, seg: r.seg.slice(prefix.length) }));
}

/** The rows of dimension `i` from a multi-dimension result (tags `i:value`, see AtomEnv.segments). */
function untag(rows: Map<string, AtomRow>, i: number): Map<string, AtomRow> {
  return new Map(untagRows([...rows.values()], i).map((r) => [r.seg, r]));
}

/**
 * Prefetches one metric for several spans (each with its segments) through the context's
 * shared evaluators, in one query per atom where the atom allows (see
 * `MetricEvaluator.prefetchAcross`); later `values` / `total` calls on those evaluators
 * read the rows without a query.
 */
export async function prefetchAcross(ctx: MetricsContext, projectId: string, key: string, reads: readonly { span: DateSpan; segments: readonly Segment[] }[]): Promise<void> {
  const parts = await Promise.all(reads.map(async (r) => ({ ev: await createEvaluator(ctx, projectId, r.span), segments: r.segments })));
  await MetricEvaluator.prefetchAcross(key, parts);
}

/** An evaluator over a project's dictionary for one span. */
export async function createEvaluator(ctx: MetricsContext, projectId: string, span: DateSpan): Promise<MetricEvaluator> {
  if (ctx.evaluators) {
    const key = `${projectId}|${span.fromDate}|${span.toDate}`;
    let ev = ctx.evaluators.get(key);
    if (!ev) {
      ev = newEvaluator(ctx, projectId, span);
      ctx.evaluators.set(key, ev);
    }
    return ev;
  }
  return newEvaluator(ctx, projectId, span);
}

async function newEvaluator(ctx: MetricsContext, projectId: string, span: DateSpan): Promise<MetricEvaluator> {
  const project = await loadProjectInfo(ctx.meta, projectId);
  const metrics = metricsOf(await loadDictionary(ctx.meta, projectId));
  return new MetricEvaluator(ctx.engine, metrics, project, span, ctx.now ?? new Date(), ctx.signal,
    () => sharedPerProject(ctx, projectId, FIRST_EVENT_DAYS, () => firstEventDay(ctx.engine, projectId, ctx.signal)),
    sharedPerProject(ctx, projectId, DAILY_SPANS, () => new DailySpans()),
  );
}

/**
 * What the evaluators that share their results (MetricsContext.evaluators) share per
 * project: made once per project and kept as long as they are; made per evaluator otherwise.
 */
function sharedPerProject<T>(ctx: MetricsContext, projectId: string, store: WeakMap<object, Map<string, T>>, make: () => T): T {
  if (!ctx.evaluators) return make();
  const byProject = store.get(ctx.evaluators) ?? new Map<string, T>();
  store.set(ctx.evaluators, byProject);
  let value = byProject.get(projectId);
  if (value === undefined) {
    value = make();
    byProject.set(projectId, value);
  }
  return value;
}

/** Each project's first event day (read once) and its daily reads' days (DailySpans), per shared evaluator map. */
const FIRST_EVENT_DAYS = new WeakMap<object, Map<string, Promise<Date | null>>>();
const DAILY_SPANS = new WeakMap<object, Map<string, DailySpans>>();
