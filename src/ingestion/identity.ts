import { EVENTS } from '../core/events.js';
import { compile, p, sql } from '../sql/index.js';
import type { Engine } from '../storage/engine.js';
import { BoundedMap } from './bounded-map.js';
import type { NormalizedEvent } from './normalize.js';
import { chDateTime } from './timestamp.js';
import { initialPersonId } from './uuid.js';
import { isPlainObject, MAX_NAME_LENGTH } from './validate.js';

type PersonOp =
  | { kind: 'set'; values: Record<string, unknown> }
  | { kind: 'set_once'; values: Record<string, unknown> }
  | { kind: 'unset'; keys: string[] }
  | { kind: 'absorb'; from: string };

interface PersonChange {
  projectId: string;
  personId: string;
  firstSeenMs: number;
  ops: PersonOp[];
}

interface StoredPerson {
  properties: Record<string, unknown>;
  createdMs: number;
}

const LOOKUP_CHUNK = 10_000;

/**
 * Who an event belongs to, resolved at ingest (PostHog semantics).
 *
 * - Every distinct id maps to one person (`person_distinct_ids`, latest version wins). A
 *   distinct id seen for the first time gets a person id derived from it, and its mapping
 *   row is written before its first event.
 * - `$identify` (distinct_id = user id, `properties.$anon_distinct_id` = the anonymous
 *   id) and `$create_alias` (`properties.alias`) link two distinct ids:
 *     neither seen → both map to one new person;
 *     one seen → the other maps to that person (no rewrite: its earlier events already
 *       carry the right person id, there are none for the new id);
 *     both seen, different persons → the other id's person is merged into the event's
 *       distinct id's person: every distinct id of the old person is re-mapped, and a
 *       `person_overrides` row (old → new, plus re-pointed older overrides so one hop
 *       always suffices) lets queries move the old events (src/analyses/shared/persons.ts).
 * - `$set` / `$set_once` / `$unset` (top-level or in properties; on any event) update
 *   `persons` (properties as JSON, latest version wins); a merge keeps the surviving
 *   person's values and fills the gaps from the absorbed one.
 *
 * Unlike PostHog, an `$identify` whose anonymous id already belongs to another identified
 * user still merges (fupan keeps no "is identified" flag); send `reset()` in the SDK on
 * log-out so a shared device does not join two users.
 *
 * Mappings are cached in memory (bounded; misses go to the table in one query per batch;
 * a project whose mappings fit is loaded whole on first use and then needs no lookups).
 * The cache is authoritative because one process owns the data (the serialised writer
 * of writer.ts is the only caller).
 */
export class IdentityResolver {
  private readonly mappings: BoundedMap<string, string>;
  private readonly personCache: BoundedMap<string, StoredPerson>;
  private pendingMappings = new Map<string, { project_id: string; distinct_id: string; person_id: string; version: number }>();
  private pendingOverrides = new Map<string, { project_id: string; old_person_id: string; override_person_id: string; version: number }>();
  /** Dense numbers of the persons created since the last flush (see `person_numbers`, migration 0003). */
  private pendingNumbers: { project_id: string; person_id: string; num: number }[] = [];
  /** Per project, the last person number handed out (loaded from the table on first use). */
  private lastNumber = new Map<string, number>();
  private changes = new Map<string, PersonChange>();
  private lastVersion = 0;
  /** Projects whose every mapping is in the cache: a miss then means a new distinct id, no lookup needed. */
  private complete = new Set<string>();
  private loaded = new Set<string>();

  constructor(
    private readonly engine: Engine,
    cacheSize = 1_000_000,
  ) {
    this.mappings = new BoundedMap(cacheSize);
    this.personCache = new BoundedMap(Math.max(1000, Math.floor(cacheSize / 10)));
  }

  /** Loads the mappings of every distinct id these events name that the cache lacks. */
  async prepare(projectId: string, events: readonly NormalizedEvent[]): Promise<void> {
    if (!this.lastNumber.has(projectId)) await this.loadLastNumber(projectId);
    if (!this.loaded.has(projectId)) await this.loadAll(projectId);
    if (this.complete.has(projectId)) return;
    const missing = new Set<string>();
    const want = (id: string) => {
      if (!this.mappings.has(key(projectId, id))) missing.add(id);
    };
    for (const e of events) {
      want(e.distinctId);
      const other = linkedId(e);
      if (other !== undefined) want(other);
    }
    if (!missing.size) return;
    const ids = [...missing];
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const rows = await this.engine.query<{ d: string; p: string }>(
        compile(sql`SELECT distinct_id AS d, toString(argMax(person_id, version)) AS p FROM person_distinct_ids
          WHERE project_id = ${p.string(projectId)}
            AND distinct_id IN (SELECT arrayJoin(JSONExtract(${p.string(JSON.stringify(ids.slice(i, i + LOOKUP_CHUNK)))}, 'Array(String)')))
          GROUP BY distinct_id`),
      );
      for (const r of rows) this.mappings.set(key(projectId, r.d), r.p);
    }
  }

  private async loadLastNumber(projectId: string): Promise<void> {
    const [row] = await this.engine.query<{ n: number }>(
      compile(sql`SELECT max(num) AS n FROM person_numbers WHERE project_id = ${p.string(projectId)}`),
    );
    this.lastNumber.set(projectId, Number(row?.n ?? 0));
  }

  /**
   * On a project's first batch in this process: when its mappings fit comfortably in the
   * cache, load them all, so later batches need no lookups at all.
   */
  private async loadAll(projectId: string): Promise<void> {
    this.loaded.add(projectId);
    const [count] = await this.engine.query<{ n: number }>(
      compile(sql`SELECT uniqExact(distinct_id) AS n FROM person_distinct_ids WHERE project_id = ${p.string(projectId)}`),
    );
    if (Number(count?.n ?? 0) + this.mappings.size > this.mappings.max / 2) return;
    const rows = await this.engine.query<{ d: string; p: string }>(
      compile(sql`SELECT distinct_id AS d, toString(argMax(person_id, version)) AS p FROM person_distinct_ids
        WHERE project_id = ${p.string(projectId)} GROUP BY distinct_id`),
    );
    for (const r of rows) this.mappings.set(key(projectId, r.d), r.p);
    this.complete.add(projectId);
  }

  /** The person of each event, in order, applying links and merges as they come. */
  async assign(projectId: string, events: readonly NormalizedEvent[]): Promise<string[]> {
    const out = new Array<string>(events.length);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const other = linkedId(e);
      if (other !== undefined && other !== e.distinctId) await this.link(projectId, e.distinctId, other);
      const personId = this.personOf(projectId, e.distinctId);
      out[i] = personId;
      this.collectPersonOps(projectId, personId, e);
    }
    return out;
  }

  /** Writes the mappings, overrides and person updates gathered since the last flush. */
  async flush(): Promise<void> {
    try {
      // Numbers first: the view that fills `active_persons_hourly` looks them up while the
      // events are inserted.
      if (this.pendingNumbers.length) await this.engine.insert('person_numbers', this.pendingNumbers);
      if (this.pendingMappings.size) await this.engine.insert('person_distinct_ids', [...this.pendingMappings.values()]);
      if (this.pendingOverrides.size) await this.engine.insert('person_overrides', [...this.pendingOverrides.values()]);
      if (this.changes.size) await this.writePersons();
    } catch (e) {
      // Nothing of this batch is acknowledged; forget what the cache learnt from it so a
      // retry starts from what is stored.
      this.forget();
      throw e;
    } finally {
      this.pendingNumbers = [];
      this.pendingMappings.clear();
      this.pendingOverrides.clear();
      this.changes.clear();
      if (this.mappings.trim()) this.complete.clear();
      this.personCache.trim();
    }
  }

  private forget(): void {
    this.mappings.clear();
    this.personCache.clear();
    this.complete.clear();
    this.loaded.clear();
    // Numbers handed out but perhaps not written: recount from the table.
    this.lastNumber.clear();
  }

  /** Drops everything pending (the batch failed before flush). */
  discard(): void {
    this.pendingNumbers = [];
    this.pendingMappings.clear();
    this.pendingOverrides.clear();
    this.changes.clear();
    this.forget();
  }

  private personOf(projectId: string, distinctId: string): string {
    const k = key(projectId, distinctId);
    const known = this.mappings.get(k);
    if (known) return known;
    const personId = this.newPerson(projectId, distinctId);
    this.map(projectId, distinctId, personId);
    return personId;
  }

  /** A person created for a distinct id seen for the first time, with the next dense number. */
  private newPerson(projectId: string, distinctId: string): string {
    const personId = initialPersonId(projectId, distinctId);
    const num = (this.lastNumber.get(projectId) ?? 0) + 1;
    this.lastNumber.set(projectId, num);
    this.pendingNumbers.push({ project_id: projectId, person_id: personId, num });
    return personId;
  }

  private map(projectId: string, distinctId: string, personId: string): void {
    const k = key(projectId, distinctId);
    this.mappings.set(k, personId);
    this.pendingMappings.set(k, { project_id: projectId, distinct_id: distinctId, person_id: personId, version: this.version() });
  }

  private async link(projectId: string, primary: string, other: string): Promise<void> {
    const primaryPerson = this.mappings.get(key(projectId, primary));
    const otherPerson = this.mappings.get(key(projectId, other));
    if (!primaryPerson && !otherPerson) {
      const personId = this.newPerson(projectId, other);
      this.map(projectId, other, personId);
      this.map(projectId, primary, personId);
    } else if (primaryPerson && !otherPerson) {
      this.map(projectId, other, primaryPerson);
    } else if (!primaryPerson && otherPerson) {
      this.map(projectId, primary, otherPerson);
    } else if (primaryPerson !== otherPerson) {
      await this.merge(projectId, primaryPerson!, otherPerson!);
    }
  }

  /** Moves every distinct id and override of `from` to `into`, and records from → into. */
  private async merge(projectId: string, into: string, from: string): Promise<void> {
    const ids = new Set<string>();
    const stored = await this.engine.query<{ d: string }>(
      compile(sql`SELECT distinct_id AS d FROM person_distinct_ids WHERE project_id = ${p.string(projectId)}
        GROUP BY distinct_id HAVING argMax(person_id, version) = ${p.uuid(from)}`),
    );
    for (const r of stored) {
      const pending = this.pendingMappings.get(key(projectId, r.d));
      if (!pending || pending.person_id === from) ids.add(r.d);
    }
    for (const m of this.pendingMappings.values()) if (m.project_id === projectId && m.person_id === from) ids.add(m.distinct_id);
    for (const id of ids) this.map(projectId, id, into);

    const olds = new Set<string>();
    const storedOverrides = await this.engine.query<{ o: string }>(
      compile(sql`SELECT toString(old_person_id) AS o FROM person_overrides WHERE project_id = ${p.string(projectId)}
        GROUP BY old_person_id HAVING argMax(override_person_id, version) = ${p.uuid(from)}`),
    );
    for (const r of storedOverrides) {
      const pending = this.pendingOverrides.get(key(projectId, r.o));
      if (!pending || pending.override_person_id === from) olds.add(r.o);
    }
    for (const o of this.pendingOverrides.values()) if (o.project_id === projectId && o.override_person_id === from) olds.add(o.old_person_id);
    olds.add(from);
    for (const old of olds) {
      this.pendingOverrides.set(key(projectId, old), { project_id: projectId, old_person_id: old, override_person_id: into, version: this.version() });
    }
    this.change(projectId, into, Date.now()).ops.push({ kind: 'absorb', from });
  }

  private collectPersonOps(projectId: string, personId: string, e: NormalizedEvent): void {
    const props = e.properties;
    const set = props['$set'];
    const setOnce = props['$set_once'];
    const unset = props['$unset'];
    if (!isPlainObject(set) && !isPlainObject(setOnce) && !Array.isArray(unset)) return;
    const change = this.change(projectId, personId, e.timestampMs);
    if (isPlainObject(setOnce)) change.ops.push({ kind: 'set_once', values: setOnce });
    if (isPlainObject(set)) change.ops.push({ kind: 'set', values: set });
    if (Array.isArray(unset)) change.ops.push({ kind: 'unset', keys: unset.filter((k): k is string => typeof k === 'string') });
  }

  private change(projectId: string, personId: string, atMs: number): PersonChange {
    const k = key(projectId, personId);
    let c = this.changes.get(k);
    if (!c) {
      c = { projectId, personId, firstSeenMs: atMs, ops: [] };
      this.changes.set(k, c);
    }
    c.firstSeenMs = Math.min(c.firstSeenMs, atMs);
    return c;
  }

  private async writePersons(): Promise<void> {
    // Load the stored state of every person touched (and every person absorbed).
    const byProject = new Map<string, Set<string>>();
    for (const c of this.changes.values()) {
      const need = byProject.get(c.projectId) ?? new Set<string>();
      byProject.set(c.projectId, need);
      if (!this.personCache.has(key(c.projectId, c.personId))) need.add(c.personId);
      for (const op of c.ops) if (op.kind === 'absorb' && !this.personCache.has(key(c.projectId, op.from))) need.add(op.from);
    }
    for (const [projectId, need] of byProject) {
      const ids = [...need];
      for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
        const rows = await this.engine.query<{ id: string; props: string; created: string }>(
          compile(sql`SELECT toString(id) AS id, argMax(properties, version) AS props, toString(toUnixTimestamp64Milli(min(created_at))) AS created
            FROM persons WHERE project_id = ${p.string(projectId)}
              AND id IN (SELECT arrayJoin(JSONExtract(${p.string(JSON.stringify(ids.slice(i, i + LOOKUP_CHUNK)))}, 'Array(UUID)'))) GROUP BY id`),
        );
        for (const r of rows) this.personCache.set(key(projectId, r.id), { properties: safeObject(r.props), createdMs: Number(r.created) });
      }
    }
    const rows: Record<string, unknown>[] = [];
    const version = this.version();
    for (const c of this.changes.values()) {
      const k = key(c.projectId, c.personId);
      const before = this.personCache.get(k);
      const props: Record<string, unknown> = { ...before?.properties };
      for (const op of c.ops) {
        if (op.kind === 'set') Object.assign(props, op.values);
        else if (op.kind === 'set_once') {
          for (const [name, v] of Object.entries(op.values)) if (!(name in props)) props[name] = v;
        } else if (op.kind === 'unset') for (const name of op.keys) delete props[name];
        else {
          for (const [name, v] of Object.entries(this.personCache.get(key(c.projectId, op.from))?.properties ?? {})) if (!(name in props)) props[name] = v;
        }
      }
      const createdMs = Math.min(before?.createdMs ?? c.firstSeenMs, c.firstSeenMs);
      this.personCache.set(k, { properties: props, createdMs });
      rows.push({ project_id: c.projectId, id: c.personId, properties: JSON.stringify(props), created_at: chDateTime(createdMs), version });
    }
    await this.engine.insert('persons', rows);
  }

  /** Versions for ReplacingMergeTree: microseconds, strictly increasing in this process. */
  private version(): number {
    this.lastVersion = Math.max(Date.now() * 1000, this.lastVersion + 1);
    return this.lastVersion;
  }
}

function key(projectId: string, id: string): string {
  return `${projectId}\u0000${id}`;
}

/** The distinct id an `$identify` or `$create_alias` links to the event's own. */
export function linkedId(e: NormalizedEvent): string | undefined {
  let v: unknown;
  if (e.event === EVENTS.identify) v = e.properties['$anon_distinct_id'];
  else if (e.event === EVENTS.createAlias) v = e.properties['alias'];
  else return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const id = v.trim();
  return id.length >= 1 && id.length <= MAX_NAME_LENGTH ? id : undefined;
}

function safeObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return isPlainObject(v) ? v : {};
  } catch {
    return {};
  }
}
