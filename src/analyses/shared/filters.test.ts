import { describe, expect, it } from 'vitest';
import { parseInput } from '../../core/validation.js';
import { compile } from '../../sql/index.js';
import { breakdownSchema, breakdownValue, capToTop } from './breakdown.js';
import { change } from './comparison.js';
import { compileFilters, FILTER_OPS, filterSchema, filtersSchema } from './filters.js';

const one = (f: unknown) => compile(compileFilters([parseInput(filterSchema, f)]));

describe('filters', () => {
  it('compiles every operator to parameters (snapshot)', () => {
    const values: Record<string, unknown> = { in: ['a', 'b'], not_in: ['a'], gt: 1, gte: 1, lt: 1, lte: 1, regex: '^a', contains: 'a', not_contains: 'a' };
    for (const op of FILTER_OPS) {
      const f = { property: 'plan', op, ...(op.startsWith('is_') ? {} : { value: values[op] ?? 'x' }) };
      expect(one(f)).toMatchSnapshot(op);
    }
    expect(one({ property: 'channel', op: 'eq', value: 'douyin' }).sql).toBe('(`channel` = {p0:String})');
    expect(one({ property: 'plan', op: 'eq', value: 'pro', type: 'person' }).sql).toContain('person_properties');
  });

  it('hostile names and values only ever become parameters', () => {
    const hostile = ["x') OR 1=1 --", 'a`b', '${x}', "'; DROP TABLE events; --", '\\\'"', 'channel\u0000'];
    for (const op of ['eq', 'contains', 'gt', 'is_set'] as const) {
      const value = op === 'gt' ? 1 : op === 'is_set' ? undefined : `v'\\"; DROP TABLE events; --`;
      const benign = one({ property: 'plan', op, value });
      for (const name of hostile) {
        const got = one({ property: name, op, value });
        expect(got.sql).toBe(benign.sql);
        expect(Object.values(got.params)).toContain(name);
      }
    }
  });

  it('rejects malformed filters with the field named', () => {
    expect(() => parseInput(filterSchema, { property: 'a', op: 'in', value: [] })).toThrow(/non-empty list/);
    expect(() => parseInput(filterSchema, { property: 'a', op: 'gt', value: 'abc' })).toThrow(/number/);
    expect(() => parseInput(filterSchema, { property: 'a', op: 'regex', value: '(' })).toThrow(/regular expression/);
    expect(() => parseInput(filterSchema, { property: 'a', op: 'like', value: 'x' })).toThrow(/expected one of/);
    expect(() => parseInput(filterSchema, { property: '', op: 'eq', value: 'x' })).toThrow(/property name/);
    expect(() => parseInput(filterSchema, { property: 'a'.repeat(201), op: 'eq', value: 'x' })).toThrow(/200/);
    expect(() => parseInput(filterSchema, { property: 'a', op: 'in', value: Array(1001).fill('x') })).toThrow();
    expect(() => parseInput(filtersSchema, Array(31).fill({ property: 'a', op: 'is_set' }))).toThrow();
  });
});

describe('breakdown', () => {
  it('caps the values and parameterises the top list', () => {
    const b = parseInput(breakdownSchema, { property: "x') OR 1=1 --" });
    expect(b.limit).toBe(10);
    const q = compile(capToTop(breakdownValue(b), ["a'b", 'c']));
    expect(q.sql).not.toContain('OR 1=1');
    expect(q.params).toMatchObject({ p0: "x') OR 1=1 --" });
    expect(() => parseInput(breakdownSchema, { property: 'x', limit: 5000 })).toThrow(/at most 100/);
  });
});

describe('change', () => {
  it('absolute, relative and percentage points', () => {
    const c = change(0.22, 0.2, true);
    expect(c.absolute).toBeCloseTo(0.02, 12);
    expect(c.relative).toBeCloseTo(0.1, 12);
    expect(c.percentagePoints).toBe(2);
    expect(change(5, 0, false)).toMatchObject({ absolute: 5, relative: null, percentagePoints: null });
    expect(change(5, -10, false).relative).toBe(1.5);
    expect(change(null, 3, false)).toMatchObject({ absolute: null, relative: null });
  });
});
