import { type Atom, type AtomRow, atomRatio, atomValue } from './compile.js';
import { evaluateFormula, type Expr, ratioParts } from './formula.js';

// From an atom's rows to a metric's values: each atom's rows as values per segment, and a
// formula applied across atoms segment by segment (what MetricEvaluator returns).

/** A metric's value for one segment (or the whole project: segment ''). */
export interface SegmentValue {
  value: number | null;
  /** For ratio metrics (value = numerator / denominator): the two parts, for mix-vs-rate. */
  numerator: number | null;
  denominator: number | null;
  /** NPS: responses, promoters and detractors. */
  nps?: { n: number; promoters: number; detractors: number };
}

/** A metric's values per segment, and the value of a segment without rows. */
export interface Values {
  rows: Map<string, SegmentValue>;
  /** The value of a segment without rows (counts 0, ratios null). */
  zero: SegmentValue;
}

/** An atom's rows as values per segment (value, and its parts for ratios and NPS). */
export function atomValues(atom: Atom, rows: Map<string, AtomRow>): Values {
  const out = new Map<string, SegmentValue>();
  const one = (r: AtomRow): SegmentValue => {
    const ratio = atomRatio(atom, r);
    return {
      value: atomValue(atom, r),
      numerator: ratio?.numerator ?? null,
      denominator: ratio?.denominator ?? null,
      ...(atom.kind === 'nps' ? { nps: { n: r.den, promoters: r.num, detractors: r.x } } : {}),
    };
  };
  for (const [seg, r] of rows) out.set(seg, one(r));
  return { rows: out, zero: one({ seg: '', num: 0, den: 0, x: 0 }) };
}

/** Applies a formula per segment; `N / D` formulas keep their numerator and denominator. */
export function combine(expr: Expr, parts: Map<string, Values>): Values {
  const segs = new Set<string>();
  for (const m of parts.values()) for (const k of m.rows.keys()) segs.add(k);
  const ratio = ratioParts(expr);
  const one = (seg: string | undefined): SegmentValue => {
    const get = (name: string) => {
      const m = parts.get(name)!;
      return (seg === undefined ? undefined : m.rows.get(seg)) ?? m.zero;
    };
    const lookup = (name: string) => get(name).value;
    const value = evaluateFormula(expr, lookup);
    if (expr.op === 'ref') return get(expr.name);
    if (!ratio) return { value, numerator: null, denominator: null };
    const n = evaluateFormula(ratio.numerator, lookup);
    return { value, numerator: n === null ? null : n * ratio.scale, denominator: evaluateFormula(ratio.denominator, lookup) };
  };
  const rows = new Map<string, SegmentValue>();
  for (const seg of segs) rows.set(seg, one(seg));
  return { rows, zero: one(undefined) };
}

