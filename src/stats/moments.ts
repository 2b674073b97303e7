/**
 * Per-arm sufficient statistics and what the delta method needs from them: a vector of
 * sample means β, the per-unit covariance Λ of the columns behind it, and the arm size n
 * (so Cov(β̂) = Λ / n). Every metric type reduces to this shape, which is why one effect
 * calculation (effect.ts) serves means, proportions, ratios, CUPED and quantiles alike.
 */

/** Σx and Σx² of one column. */
export interface Series {
  sum: number;
  sumSquares: number;
}

/** A column of per-unit values; binary columns (0/1) use the p(1 − p) variance, as gbstats does. */
export interface Column extends Series {
  binary: boolean;
}

/** Sums of cross-products between the four CUPED-ratio columns. */
export interface CupedRatioProducts {
  'mPost*mPre': number;
  'dPost*dPre': number;
  'mPre*dPre': number;
  'mPost*dPost': number;
  'mPost*dPre': number;
  'mPre*dPost': number;
}

export type ArmStats =
  | { kind: 'mean'; n: number; sum: number; sumSquares: number }
  | { kind: 'proportion'; n: number; successes: number }
  | { kind: 'ratio'; n: number; numerator: Series; denominator: Series; sumProducts: number }
  | { kind: 'cuped'; n: number; post: Column; pre: Column; sumProducts: number }
  | {
      kind: 'cupedRatio';
      n: number;
      mPost: Series;
      dPost: Series;
      mPre: Series;
      dPre: Series;
      sumProducts: CupedRatioProducts;
    }
  | { kind: 'quantile'; n: number; nStar: number; quantile: number; lower: number; upper: number; nu: number };

/** How an arm's value is read off its mean vector (see {@link armValue}). */
export type Functional = 'identity' | 'ratio' | 'cuped' | 'cupedRatio';

export interface ArmModel {
  n: number;
  beta: number[];
  lambda: number[][];
  functional: Functional;
}

export function columnMean(c: Series, n: number): number {
  return c.sum / n;
}

/** Sample variance (n − 1) for numeric columns, p(1 − p) for binary ones. */
export function columnVariance(c: Column, n: number): number {
  if (c.binary) {
    const p = c.sum / n;
    return p * (1 - p);
  }
  return (c.sumSquares - (c.sum * c.sum) / n) / (n - 1);
}

/** Sample covariance from Σxy; two binary columns use the biased (n) form like their variance. */
export function columnCovariance(a: Column, b: Column, sumProducts: number, n: number): number {
  if (a.binary && b.binary) return sumProducts / n - (a.sum * b.sum) / (n * n);
  return (sumProducts - (a.sum * b.sum) / n) / (n - 1);
}

const numeric = (s: Series): Column => ({ ...s, binary: false });

/** A proportion as a column: Σx = Σx² = successes. */
export function proportionColumn(successes: number): Column {
  return { sum: successes, sumSquares: successes, binary: true };
}

/**
 * Per-unit variance of a quantile estimate, recovered from its order-statistic interval the
 * way gbstats does: the interval [lower, upper] is a 95% interval, so its half-width over
 * z₀.₉₇₅ is the standard error; nStar/n corrects for clustered units; a floor of 1e-5 keeps
 * large samples from a degenerate zero-width interval.
 */
export function quantileVariance(s: { n: number; nStar: number; lower: number; upper: number }): number {
  const z = 1.959963984540054;
  const se = (s.upper - s.lower) / (2 * z);
  const v = (s.nStar / s.n) * (s.n - 1) * se * se;
  return s.n < 100 ? v : Math.max(v, 1e-5);
}

/**
 * The mean vector and per-unit covariance of one arm.
 * @example armModel({ kind: 'mean', n: 4, sum: 23.7, sumSquares: 485.15 }).lambda // [[114.909…]]
 */
export function armModel(s: ArmStats): ArmModel {
  const n = s.n;
  switch (s.kind) {
    case 'mean': {
      const c = numeric(s);
      return { n, beta: [columnMean(c, n)], lambda: [[columnVariance(c, n)]], functional: 'identity' };
    }
    case 'proportion': {
      const c = proportionColumn(s.successes);
      return { n, beta: [columnMean(c, n)], lambda: [[columnVariance(c, n)]], functional: 'identity' };
    }
    case 'quantile':
      return { n, beta: [s.quantile], lambda: [[quantileVariance(s)]], functional: 'identity' };
    case 'ratio': {
      const m = numeric(s.numerator);
      const d = numeric(s.denominator);
      const c = columnCovariance(m, d, s.sumProducts, n);
      return {
        n,
        beta: [columnMean(m, n), columnMean(d, n)],
        lambda: [
          [columnVariance(m, n), c],
          [c, columnVariance(d, n)],
        ],
        functional: 'ratio',
      };
    }
    case 'cuped': {
      const c = columnCovariance(s.post, s.pre, s.sumProducts, n);
      return {
        n,
        beta: [columnMean(s.post, n), columnMean(s.pre, n)],
        lambda: [
          [columnVariance(s.post, n), c],
          [c, columnVariance(s.pre, n)],
        ],
        functional: 'cuped',
      };
    }
    case 'cupedRatio':
      return cupedRatioModel(s);
  }
}

function cupedRatioModel(s: Extract<ArmStats, { kind: 'cupedRatio' }>): ArmModel {
  const n = s.n;
  // Column order: mPost, dPost, mPre, dPre.
  const cols = [s.mPost, s.dPost, s.mPre, s.dPre].map(numeric);
  const p = s.sumProducts;
  const products: Record<string, number> = {
    '0,1': p['mPost*dPost'],
    '0,2': p['mPost*mPre'],
    '0,3': p['mPost*dPre'],
    '1,2': p['mPre*dPost'],
    '1,3': p['dPost*dPre'],
    '2,3': p['mPre*dPre'],
  };
  const lambda = cols.map((ci, i) =>
    cols.map((cj, j) => {
      if (i === j) return columnVariance(ci, n);
      const key = i < j ? `${i},${j}` : `${j},${i}`;
      return columnCovariance(ci, cj, products[key] as number, n);
    }),
  );
  return { n, beta: cols.map((c) => columnMean(c, n)), lambda, functional: 'cupedRatio' };
}

/**
 * The arm's value: the mean, the ratio of means, or their CUPED-adjusted versions
 * ȳ − θx̄ and M/D − θ·Mpre/Dpre. With θ = 0 this is the unadjusted value.
 */
export function armValue(f: Functional, b: readonly number[], theta = 0): number {
  const [b0 = NaN, b1 = NaN, b2 = NaN, b3 = NaN] = b;
  switch (f) {
    case 'identity':
      return b0;
    case 'ratio':
      return b0 / b1;
    case 'cuped':
      return b0 - theta * b1;
    case 'cupedRatio':
      return b0 / b1 - (theta === 0 ? 0 : (theta * b2) / b3);
  }
}

/** Gradient of {@link armValue} with respect to β. */
export function armGradient(f: Functional, b: readonly number[], theta = 0): number[] {
  const [b0 = NaN, b1 = NaN, b2 = NaN, b3 = NaN] = b;
  switch (f) {
    case 'identity':
      return [1];
    case 'ratio':
      return [1 / b1, -b0 / (b1 * b1)];
    case 'cuped':
      return [1, -theta];
    case 'cupedRatio':
      return theta === 0
        ? [1 / b1, -b0 / (b1 * b1), 0, 0]
        : [1 / b1, -b0 / (b1 * b1), -theta / b3, (theta * b2) / (b3 * b3)];
  }
}

/** x′ A y for small dense matrices. */
export function quadForm(x: readonly number[], a: readonly (readonly number[])[], y: readonly number[] = x): number {
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const row = a[i] as readonly number[];
    for (let j = 0; j < y.length; j++) total += (x[i] as number) * (row[j] as number) * (y[j] as number);
  }
  return total;
}
