import { z } from 'zod';
import { FupanError } from '../../core/errors/index.js';
import { type Fragment, p, sql } from '../../sql/index.js';
import { LIMITS } from './limits.js';
import { propertyIsSet, propertyName, propertyNumber, propertyString, type PropertyScope } from './properties.js';

export const FILTER_OPS = ['eq', 'neq', 'in', 'not_in', 'contains', 'not_contains', 'regex', 'gt', 'gte', 'lt', 'lte', 'is_set', 'is_not_set'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

const scalar = z.union([z.string().max(1000), z.number().finite(), z.boolean()]);

/**
 * `{ property, op, value, type? }` — `type` is `event` (default) or `person`.
 * eq / neq accept a value or a list; in / not_in a list; contains / not_contains
 * (case-insensitive) and regex (RE2 syntax) a string; gt / gte / lt / lte a number;
 * is_set / is_not_set no value.
 */
export const filterSchema = z
  .object({
    property: propertyName,
    op: z.enum(FILTER_OPS, { error: `expected one of ${FILTER_OPS.join(', ')}` }),
    value: z.union([scalar, z.array(scalar).max(LIMITS.maxFilterValues)]).optional(),
    type: z.enum(['event', 'person']).default('event'),
  })
  .strict()
  .superRefine((f, ctx) => {
    const need = (ok: boolean, problem: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
    };
    switch (f.op) {
      case 'is_set':
      case 'is_not_set':
        return;
      case 'in':
      case 'not_in':
        return need(Array.isArray(f.value) && f.value.length > 0, `${f.op} needs a non-empty list of values`);
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        return need(typeof f.value === 'number' || (typeof f.value === 'string' && f.value.trim() !== '' && Number.isFinite(Number(f.value))), `${f.op} needs a number`);
      case 'regex':
        if (typeof f.value !== 'string') return need(false, 'regex needs a pattern string');
        try {
          new RegExp(f.value);
        } catch {
          need(false, 'not a valid regular expression');
        }
        return;
      case 'contains':
      case 'not_contains':
        return need(typeof f.value === 'string' && f.value.length > 0, `${f.op} needs a non-empty string`);
      default:
        return need(f.value !== undefined, `${f.op} needs a value`);
    }
  });
export type Filter = z.infer<typeof filterSchema>;
export const filtersSchema = z.array(filterSchema).max(LIMITS.maxFilters).default([]);

const asText = (v: unknown) => String(v);

/**
 * Compiles one filter to a boolean SQL expression. Values are typed parameters; the
 * property name is a parameter too (or an allow-listed column), so no part of a filter
 * becomes SQL text.
 *
 * @example compileFilter({ property: 'channel', op: 'eq', value: 'douyin', type: 'event' })
 */
export function compileFilter(f: Filter, personProps?: Fragment): Fragment {
  const scope: PropertyScope = f.type ?? 'event';
  const str = () => propertyString(f.property, scope, personProps);
  const list = () => (Array.isArray(f.value) ? f.value : [f.value]).map(asText);
  switch (f.op) {
    case 'eq':
      return Array.isArray(f.value) ? sql`${str()} IN ${p.strings(list())}` : sql`${str()} = ${p.string(asText(f.value))}`;
    case 'neq':
      return Array.isArray(f.value) ? sql`${str()} NOT IN ${p.strings(list())}` : sql`${str()} != ${p.string(asText(f.value))}`;
    case 'in':
      return sql`${str()} IN ${p.strings(list())}`;
    case 'not_in':
      return sql`${str()} NOT IN ${p.strings(list())}`;
    case 'contains':
      return sql`positionCaseInsensitiveUTF8(${str()}, ${p.string(asText(f.value))}) > 0`;
    case 'not_contains':
      return sql`positionCaseInsensitiveUTF8(${str()}, ${p.string(asText(f.value))}) = 0`;
    case 'regex':
      return sql`match(${str()}, ${p.string(asText(f.value))})`;
    case 'gt':
      return sql`${propertyNumber(f.property, scope, personProps)} > ${p.float64(Number(f.value))}`;
    case 'gte':
      return sql`${propertyNumber(f.property, scope, personProps)} >= ${p.float64(Number(f.value))}`;
    case 'lt':
      return sql`${propertyNumber(f.property, scope, personProps)} < ${p.float64(Number(f.value))}`;
    case 'lte':
      return sql`${propertyNumber(f.property, scope, personProps)} <= ${p.float64(Number(f.value))}`;
    case 'is_set':
      return propertyIsSet(f.property, scope, personProps);
    case 'is_not_set':
      return sql`NOT (${propertyIsSet(f.property, scope, personProps)})`;
    default:
      throw new FupanError('invalid_input', { path: 'op', problem: `unknown operator ${String(f.op)}` });
  }
}

/** ANDs filters together (`1` when there are none). */
export function compileFilters(filters: readonly Filter[] | undefined, personProps?: Fragment): Fragment {
  if (!filters?.length) return sql`1`;
  return sql.join(
    filters.map((f) => sql`(${compileFilter(f, personProps)})`),
    ' AND ',
  );
}

export function usesPersonProperties(filters: readonly Filter[] | undefined): boolean {
  return Boolean(filters?.some((f) => f.type === 'person'));
}
