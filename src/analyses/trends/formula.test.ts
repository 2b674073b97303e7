import { describe, expect, it } from 'vitest';
import { evaluate, parseFormula } from './formula.js';

const calc = (f: string, v: Record<string, number | null>) => evaluate(parseFormula(f).ast, v);

describe('formula', () => {
  it('follows precedence, parentheses, unary minus and ×÷', () => {
    expect(calc('A / B * 100', { A: 1, B: 4 })).toBe(25);
    expect(calc('A + B * 2', { A: 1, B: 3 })).toBe(7);
    expect(calc('(A + B) * 2', { A: 1, B: 3 })).toBe(8);
    expect(calc('-A - -B', { A: 1, B: 3 })).toBe(2);
    expect(calc('A × 2 ÷ 4', { A: 6 })).toBe(3);
    expect(calc('10 - 2 - 3', {})).toBe(5);
    expect(calc('1.5 * T', { T: 2 })).toBe(3);
  });
  it('null in, null out; division by zero is null', () => {
    expect(calc('A / B', { A: 1, B: 0 })).toBeNull();
    expect(calc('A + B', { A: 1, B: null })).toBeNull();
  });
  it('lists its letters', () => {
    expect(parseFormula('(C + A) / A').letters).toEqual(['A', 'C']);
  });
  it.each(["A; DROP TABLE events", 'a + b', 'U + 1', 'A +', '(A', 'A B', '', 'sleep(3)', 'A ** 2', "A' OR 1=1", '1e9'])('rejects %j', (f) => {
    expect(() => parseFormula(f)).toThrow(/formula/);
  });
  it('rejects absurd nesting', () => {
    expect(() => parseFormula('('.repeat(60) + 'A' + ')'.repeat(60))).toThrow(/nested/);
  });
});
