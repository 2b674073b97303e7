/**
 * Post-stratification: estimate the effect within strata (platform, country, …) and weight
 * the strata by their share of units, which removes between-strata noise from the estimate
 * (the gbstats approach; Miratrix, Sekhon & Yu, JRSS-B 2013). Cell shares are themselves
 * random (multinomial), and that uncertainty is carried into the variance.
 *
 * Per cell k with n_k units: α_k = (β_A, β_B − β_A), Cov(α_k)·n_k from the arms' per-unit
 * covariances; with ν_k = n_k / N the combined vector M = Σ ν_k α_k has
 *   Cov(M) = (Σ ν_k α_k α_k′ − M M′) / N + Σ ν_k Cov_k / N,
 * and the effect is read off M by the delta method. Cells too small to estimate on their own
 * are merged into the largest one, as gbstats does. Supported for mean, proportion and ratio
 * metrics.
 */
import { type ArmStats, armGradient, armModel, armValue, quadForm } from './moments.js';
import { type Difference, type EffectResult, effectOf } from './effect.js';

type Simple = Extract<ArmStats, { kind: 'mean' | 'proportion' | 'ratio' }>;
export type StratumPair = [Simple, Simple];

function add(a: Simple, b: Simple): Simple {
  if (a.kind === 'mean' && b.kind === 'mean') {
    return { kind: 'mean', n: a.n + b.n, sum: a.sum + b.sum, sumSquares: a.sumSquares + b.sumSquares };
  }
  if (a.kind === 'proportion' && b.kind === 'proportion') {
    return { kind: 'proportion', n: a.n + b.n, successes: a.successes + b.successes };
  }
  if (a.kind === 'ratio' && b.kind === 'ratio') {
    const s = (x: { sum: number; sumSquares: number }, y: { sum: number; sumSquares: number }) => ({
      sum: x.sum + y.sum,
      sumSquares: x.sumSquares + y.sumSquares,
    });
    return {
      kind: 'ratio',
      n: a.n + b.n,
      numerator: s(a.numerator, b.numerator),
      denominator: s(a.denominator, b.denominator),
      sumProducts: a.sumProducts + b.sumProducts,
    };
  }
  throw new Error('strata mix metric types');
}

const viable = ([a, b]: StratumPair): boolean =>
  a.n >= 2 && b.n >= 2 && [a, b].every((s) => armModel(s).lambda.every((row, i) => (row[i] as number) > 0));

/** Largest cell first; every cell that cannot stand alone is folded into it. */
export function combineCells(cells: readonly StratumPair[]): StratumPair[] {
  const sorted = [...cells].sort((x, y) => y[0].n + y[1].n - (x[0].n + x[1].n));
  const out: StratumPair[] = [sorted[0] as StratumPair];
  for (const cell of sorted.slice(1)) {
    if (viable(cell)) out.push(cell);
    else {
      const first = out[0] as StratumPair;
      out[0] = [add(first[0], cell[0]), add(first[1], cell[1])];
    }
  }
  return out;
}

/** Sum of strata: the unstratified arm totals. */
export function totalOf(cells: readonly StratumPair[]): StratumPair {
  return cells.reduce((acc, c) => [add(acc[0], c[0]), add(acc[1], c[1])]);
}

/**
 * @example postStratifiedEffect(cells, 'absolute') // { ok: true, effect: { estimate: 3.548, se: 0.376, … } }
 */
export function postStratifiedEffect(cells: readonly StratumPair[], difference: Difference): EffectResult {
  const [totalA, totalB] = totalOf(cells);
  // The pooled comparison supplies the checks (zero baseline, zero variance) and df inputs.
  const pooled = effectOf(armModel(totalA), armModel(totalB), difference);
  if (!pooled.ok) return pooled;
  const used = combineCells(cells);
  if (used.length === 1) return pooled;

  const models = used.map(([a, b]) => [armModel(a), armModel(b)] as const);
  const f = models[0]?.[0].functional ?? 'identity';
  const p = models[0]?.[0].beta.length ?? 1;
  const sizes = models.map(([a, b]) => a.n + b.n);
  const total = sizes.reduce((s, x) => s + x, 0);
  const dim = 2 * p;
  const mean = new Array<number>(dim).fill(0);
  const second = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  const within = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  models.forEach(([a, b], k) => {
    const nk = sizes[k] as number;
    const nu = nk / total;
    const alpha = [...a.beta, ...b.beta.map((x, i) => x - (a.beta[i] as number))];
    const sa = nk / a.n;
    const sb = nk / b.n;
    for (let i = 0; i < dim; i++) {
      mean[i] = (mean[i] as number) + nu * (alpha[i] as number);
      for (let j = 0; j < dim; j++) {
        const row = second[i] as number[];
        row[j] = (row[j] as number) + nu * (alpha[i] as number) * (alpha[j] as number);
        const la = (a.lambda[i % p] as number[])[j % p] as number;
        const lb = (b.lambda[i % p] as number[])[j % p] as number;
        // Cov(β_A, β_A) = Λ_A·s_A; Cov(β_A, Δ) = −Λ_A·s_A; Cov(Δ, Δ) = Λ_B·s_B + Λ_A·s_A.
        const c = i < p && j < p ? la * sa : i < p || j < p ? -la * sa : lb * sb + la * sa;
        const w = within[i] as number[];
        w[j] = (w[j] as number) + nu * c;
      }
    }
  });
  const cov = second.map((row, i) => row.map((x, j) => (x - (mean[i] as number) * (mean[j] as number) + (within[i] as number[])[j]!) / total));

  const a = mean.slice(0, p);
  const b = a.map((x, i) => x + (mean[p + i] as number));
  const gA = armValue(f, a);
  const gB = armValue(f, b);
  const dA = armGradient(f, a);
  const dB = armGradient(f, b);
  let estimate = gB - gA;
  let grad = [...dB.map((x, i) => x - (dA[i] as number)), ...dB];
  if (difference === 'relative') {
    const base = Math.abs(gA);
    estimate /= base;
    grad = [
      ...dB.map((x, i) => (x - (dA[i] as number)) / base - (estimate * Math.sign(gA) * (dA[i] as number)) / base),
      ...dB.map((x) => x / base),
    ];
  }
  const variance = quadForm(grad, cov);
  if (!(variance > 0)) return { ok: false, problem: 'zero_variance' };
  return { ok: true, effect: { ...pooled.effect, estimate, se: Math.sqrt(variance) } };
}
