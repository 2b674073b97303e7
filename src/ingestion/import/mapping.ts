import { FupanError } from '../../core/errors/index.js';
import { type KindDef, KINDS, normaliseHeader } from './kinds.js';
import type { ImportKind } from './types.js';
import { inferScalar, isBlank } from './values.js';

/** What one source column feeds. */
export type Role =
  | { to: 'field'; name: string }
  | { to: 'prop'; name: string }
  | { to: 'set'; name: string }
  | { to: 'set_once'; name: string }
  | { to: 'properties' }
  | { to: 'ignore' };

/** A row after mapping, before validation. */
export interface MappedRow {
  fields: Record<string, unknown>;
  properties: Record<string, unknown>;
  set?: Record<string, unknown>;
  setOnce?: Record<string, unknown>;
}

export interface Mapping {
  kind: ImportKind;
  /** field → the column it is read from. */
  fields: Record<string, string>;
  /** Columns that become properties (events, orders, surveys) or are ignored (spend). */
  extras: string[];
  ignored: string[];
  apply(values: Record<string, unknown>): MappedRow;
}

/**
 * Parses `--map` entries (`target=source`, comma-separated, repeatable). A target is a
 * field of the kind, or `properties.<name>` / `$set.<name>` / `$set_once.<name>`.
 */
export function parseMapOption(entries: readonly string[] | undefined, kind: ImportKind): Map<string, string> {
  const def = KINDS[kind];
  const out = new Map<string, string>();
  for (const entry of (entries ?? []).flatMap((e) => e.split(/[,，]/))) {
    const text = entry.trim();
    if (!text) continue;
    const eq = text.indexOf('=');
    if (eq <= 0 || eq === text.length - 1) {
      throw new FupanError('import_map_invalid', { entry: text, problem: 'expected target=column' });
    }
    const target = text.slice(0, eq).trim();
    const source = text.slice(eq + 1).trim();
    const isField = def.fields.some((f) => f.name === target);
    const isDotted = /^(properties|\$set|\$set_once)\.[^.].*/.test(target);
    if (!isField && !(isDotted && def.extras === 'properties' && (kind === 'events' || target.startsWith('properties.')))) {
      const allowed = def.fields.map((f) => f.name).join(', ') + (def.extras === 'properties' ? ', properties.<name>' : '');
      throw new FupanError('import_map_invalid', { entry: text, problem: `unknown target \`${target}\`; ${kind} imports take ${allowed}` });
    }
    if (out.has(target)) throw new FupanError('import_map_invalid', { entry: text, problem: `\`${target}\` is mapped twice` });
    out.set(target, source);
  }
  return out;
}

function findColumn(columns: readonly string[], wanted: string, claimed: Set<string>): string | undefined {
  const exact = columns.find((c) => c === wanted && !claimed.has(c));
  if (exact) return exact;
  const key = normaliseHeader(wanted);
  return columns.find((c) => !claimed.has(c) && normaliseHeader(c) === key);
}

function dottedRole(target: string): Role | undefined {
  const m = /^(properties|\$set|\$set_once)\.(.+)$/.exec(target);
  if (!m) return undefined;
  const name = m[2]!;
  return m[1] === 'properties' ? { to: 'prop', name } : m[1] === '$set' ? { to: 'set', name } : { to: 'set_once', name };
}

/**
 * Resolves which column feeds which field: explicit `--map` first, then each field's
 * default header names in order. Throws `import_map_invalid` for a mapped column the file
 * lacks and `import_columns_missing` when a required field has no column — both before
 * anything is written.
 */
export function resolveMapping(
  kind: ImportKind,
  columns: readonly string[],
  userMap: Map<string, string>,
  options: { file: string; inferTypes: boolean },
): Mapping {
  const def: KindDef = KINDS[kind];
  const claimed = new Set<string>();
  const fields: Record<string, string> = {};
  const roles = new Map<string, Role>();

  for (const [target, source] of userMap) {
    const col = findColumn(columns, source, claimed);
    if (!col) {
      throw new FupanError('import_map_invalid', {
        entry: `${target}=${source}`,
        problem: `the file has no column \`${source}\` (columns: ${columns.join(', ') || 'none'})`,
      });
    }
    claimed.add(col);
    const dotted = dottedRole(target);
    if (dotted) roles.set(col, dotted);
    else {
      fields[target] = col;
      roles.set(col, target === 'properties' ? { to: 'properties' } : { to: 'field', name: target });
    }
  }
  for (const field of def.fields) {
    if (fields[field.name] !== undefined) continue;
    for (const alias of field.aliases) {
      const col = findColumn(columns, alias, claimed);
      if (col) {
        claimed.add(col);
        fields[field.name] = col;
        roles.set(col, field.name === 'properties' ? { to: 'properties' } : { to: 'field', name: field.name });
        break;
      }
    }
  }
  const missing = def.fields.filter((fd) => fd.required && fields[fd.name] === undefined).map((fd) => fd.name);
  if (missing.length) {
    throw new FupanError('import_columns_missing', {
      file: options.file,
      kind,
      kindZh: def.label['zh-CN'],
      missing: missing.join(', '),
      found: columns.join(', ') || '(none)',
      example: def.mapExample,
    });
  }

  const roleOf = (col: string): Role => {
    const known = roles.get(col);
    if (known) return known;
    const dotted = dottedRole(col.trim());
    let role: Role;
    if (dotted && def.extras === 'properties' && (kind === 'events' || dotted.to === 'prop')) role = dotted;
    else if (kind === 'events' && (col === '$set' || col === '$set_once')) role = { to: col === '$set' ? 'set' : 'set_once', name: '' };
    else role = def.extras === 'properties' ? { to: 'prop', name: col.trim() } : { to: 'ignore' };
    if (roles.size < 10_000) roles.set(col, role);
    return role;
  };
  const extras: string[] = [];
  const ignored: string[] = [];
  for (const c of columns) {
    if (claimed.has(c)) continue;
    const r = roleOf(c);
    (r.to === 'ignore' ? ignored : extras).push(c);
  }

  const { inferTypes } = options;
  const apply = (values: Record<string, unknown>): MappedRow => {
    const out: MappedRow = { fields: {}, properties: {} };
    for (const col in values) {
      const v = values[col];
      const role = roleOf(col);
      switch (role.to) {
        case 'field':
          out.fields[role.name] = v;
          break;
        case 'properties':
          out.fields.properties = v;
          break;
        case 'prop':
        case 'set':
        case 'set_once': {
          if (isBlank(v)) break;
          const value = inferTypes ? inferScalar(v) : v;
          if (role.to === 'prop') out.properties[role.name] = value;
          else {
            const key = role.to === 'set' ? 'set' : 'setOnce';
            const target = (out[key] ??= {});
            if (role.name === '') {
              if (value && typeof value === 'object' && !Array.isArray(value)) Object.assign(target, value);
            } else target[role.name] = value;
          }
          break;
        }
        case 'ignore':
          break;
      }
    }
    return out;
  };

  return { kind, fields, extras, ignored, apply };
}
