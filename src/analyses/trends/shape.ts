import { type Bucket } from '../shared/buckets.js';
import { OTHER } from '../shared/breakdown.js';
import { evaluate, parseFormula } from './formula.js';
import { ADDITIVE_MATHS, type TrendMath, type TrendsSpec } from './schema.js';

export interface TrendRow {
  series: number;
  bucket: string;
  breakdown: string;
  value: number | null;
}

/** One line of a chart: a series (or the formula) for one breakdown value. */
export interface TrendLine {
  /** A, B, … for series; `formula` for the formula line. */
  letter: string;
  breakdownValue?: string;
  /** One value per bucket, aligned with `buckets`. */
  values: (number | null)[];
  /** The whole range: the sum of buckets for total / sum, else the mean of non-empty buckets; formulas apply to the series' aggregates. */
  aggregate: number | null;
}

const ZERO_FILLED: readonly TrendMath[] = ['total', 'unique_persons', 'dau', 'wau', 'mau', 'sum'];

export const letterOf = (i: number) => String.fromCharCode(65 + i);

/**
 * Rows → lines: zero-fills every bucket (counts and sums; averages, extremes and
 * quantiles of an empty bucket are null), one line per series × breakdown value in the
 * order of `breakdownValues` (Other last), then the formula lines. Cumulative and rolling
 * average are applied last, by `finishLine`, so aggregates stay those of the raw values.
 */
export function shapeLines(spec: TrendsSpec, buckets: readonly Bucket[], rows: readonly TrendRow[], breakdownValues: readonly string[] | null): { series: TrendLine[]; formula: TrendLine[] } {
  const index = new Map(buckets.map((b, i) => [b.key, i]));
  const values = breakdownValues ? [...breakdownValues] : [''];
  if (breakdownValues && rows.some((r) => r.breakdown === OTHER) && !values.includes(OTHER)) values.push(OTHER);
  const cells = new Map<string, (number | null)[]>();
  const cellKey = (s: number, v: string) => `${s}\u0000${v}`;
  spec.series.forEach((s, i) => {
    for (const v of values) cells.set(cellKey(i, v), buckets.map(() => (ZERO_FILLED.includes(s.math) ? 0 : null)));
  });
  for (const r of rows) {
    const line = cells.get(cellKey(Number(r.series), r.breakdown));
    const at = index.get(String(r.bucket));
    if (line && at !== undefined) line[at] = r.value === null ? null : Number(r.value);
  }
  const series: TrendLine[] = [];
  spec.series.forEach((s, i) => {
    for (const v of values) {
      const vals = cells.get(cellKey(i, v))!;
      series.push({ letter: letterOf(i), ...(breakdownValues ? { breakdownValue: v } : {}), values: vals, aggregate: aggregateOf(vals, ADDITIVE_MATHS.includes(s.math)) });
    }
  });
  const formula: TrendLine[] = [];
  if (spec.formula) {
    const { ast } = parseFormula(spec.formula);
    for (const v of values) {
      const mine = series.filter((l) => (l.breakdownValue ?? '') === v);
      const at = (get: (l: TrendLine) => number | null) => evaluate(ast, Object.fromEntries(mine.map((l) => [l.letter, get(l)])));
      formula.push({
        letter: 'formula',
        ...(breakdownValues ? { breakdownValue: v } : {}),
        values: buckets.map((_, k) => at((l) => l.values[k] ?? null)),
        aggregate: at((l) => l.aggregate),
      });
    }
  }
  return { series, formula };
}

export function aggregateOf(values: readonly (number | null)[], additive: boolean): number | null {
  const present = values.filter((v): v is number => v !== null);
  if (additive) return present.reduce((a, b) => a + b, 0);
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
}

/**
 * Display options, applied in this order: cumulative (running sum; a null bucket adds
 * nothing), then the rolling average over the last `n` buckets including the current one
 * (the first n − 1 buckets average over the buckets available; null buckets are skipped).
 */
export function finishValues(values: readonly (number | null)[], cumulative: boolean, rolling?: number): (number | null)[] {
  let out = [...values];
  if (cumulative) {
    let run = 0;
    out = out.map((v) => (run += v ?? 0));
  }
  if (rolling) {
    const src = out;
    out = src.map((_, i) => {
      const win = src.slice(Math.max(0, i - rolling + 1), i + 1).filter((v): v is number => v !== null);
      return win.length ? win.reduce((a, b) => a + b, 0) / win.length : null;
    });
  }
  return out;
}
