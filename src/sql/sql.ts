import type { CompiledQuery, ParamType } from './types.js';

/** A value that will travel as a ClickHouse typed parameter. */
export class Param {
  constructor(
    readonly type: ParamType,
    readonly value: unknown,
  ) {}
}

/** An identifier that passed an allow-list (see `ident`). */
export class Ident {
  constructor(readonly name: string) {}
}

type Part = string | Param | Ident | Fragment;

/**
 * A piece of SQL: literal text written in code, typed parameters, allow-listed
 * identifiers and nested fragments. Nothing else can be interpolated, so user input
 * can only ever become a parameter.
 */
export class Fragment {
  constructor(readonly parts: readonly Part[]) {}
}

export type SqlValue = Param | Ident | Fragment;

/**
 * Tagged template for SQL.
 *
 * @example
 * const q = sql`SELECT count() FROM events WHERE project_id = ${p.string(projectId)}`;
 * compile(q) // { sql: 'SELECT count() FROM events WHERE project_id = {p0:String}', params: { p0: projectId } }
 */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): Fragment {
  const parts: Part[] = [];
  strings.forEach((s, i) => {
    if (s) parts.push(s);
    if (i < values.length) {
      const v = values[i];
      if (!(v instanceof Param || v instanceof Ident || v instanceof Fragment)) {
        // A raw value reached the template (a bug in our code, not user input): refuse
        // loudly instead of splicing it.
        throw new TypeError(`sql\`\`: interpolation ${i} is not a Param, Ident or Fragment`);
      }
      parts.push(v);
    }
  });
  return new Fragment(parts);
}

/** Joins fragments with a separator written in code (default `, `). */
sql.join = function join(fragments: readonly SqlValue[], separator = ', '): Fragment {
  const parts: Part[] = [];
  fragments.forEach((f, i) => {
    if (i > 0) parts.push(separator);
    parts.push(f);
  });
  return new Fragment(parts);
};

/** An empty fragment, for optional clauses. */
sql.empty = new Fragment([]);

/**
 * Literal SQL text chosen by code from a closed set (a function name, an interval unit,
 * a keyword). The TypeScript type forbids passing arbitrary strings through it by
 * convention: only call it with values that come from a `switch` or a constant map.
 */
sql.trusted = function trusted(text: string): Fragment {
  return new Fragment([text]);
};

/** Typed parameter constructors. */
export const p = {
  string: (v: string) => new Param('String', v),
  strings: (v: readonly string[]) => new Param('Array(String)', [...v]),
  uuid: (v: string) => new Param('UUID', v),
  uuids: (v: readonly string[]) => new Param('Array(UUID)', [...v]),
  uint32: (v: number) => new Param('UInt32', checkInt(v, 0, 2 ** 32 - 1)),
  uint64: (v: number) => new Param('UInt64', checkInt(v, 0, Number.MAX_SAFE_INTEGER)),
  int64: (v: number) => new Param('Int64', checkInt(v, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)),
  float64: (v: number) => new Param('Float64', checkFinite(v)),
  floats: (v: readonly number[]) => new Param('Array(Float64)', v.map(checkFinite)),
  bool: (v: boolean) => new Param('Bool', v),
  date: (v: string) => new Param('Date', checkDate(v)),
  /** A UTC instant; accepts a Date or an ISO string and sends `YYYY-MM-DD hh:mm:ss.sss`. */
  dateTime: (v: Date | string) => new Param("DateTime64(3, 'UTC')", toChDateTime(v)),
};

function checkInt(v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`integer parameter out of range: ${v}`);
  return v;
}

function checkFinite(v: number): number {
  if (!Number.isFinite(v)) throw new RangeError(`parameter is not a finite number: ${v}`);
  return v;
}

function checkDate(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new RangeError(`date parameter is not YYYY-MM-DD: ${v}`);
  return v;
}

/** Formats an instant the way ClickHouse parses DateTime64(3) parameters. */
export function toChDateTime(v: Date | string): string {
  const d = typeof v === 'string' ? new Date(v) : v;
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a valid instant: ${String(v)}`);
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * Turns a fragment into `{ sql, params }`, naming parameters p0, p1, … in order.
 */
export function compile(fragment: Fragment): CompiledQuery {
  const params: Record<string, unknown> = {};
  let n = 0;
  const walk = (f: Fragment): string =>
    f.parts
      .map((part) => {
        if (typeof part === 'string') return part;
        if (part instanceof Fragment) return walk(part);
        if (part instanceof Ident) return quoteIdent(part.name);
        const name = `p${n++}`;
        params[name] = part.value;
        return `{${name}:${part.type}}`;
      })
      .join('');
  return { sql: walk(fragment), params };
}

/** Backtick-quotes an identifier that already passed an allow-list. */
export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`identifier not allowed: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

/**
 * An identifier from an allow-list. Throws when `name` is not in `allowed`, so a
 * hostile name can never reach the SQL text.
 *
 * @example ident(column, ['channel', 'region'])
 */
export function ident<T extends string>(name: string, allowed: readonly T[]): Ident {
  if (!(allowed as readonly string[]).includes(name)) {
    throw new RangeError(`identifier ${JSON.stringify(name)} is not in the allow-list`);
  }
  return new Ident(name);
}
