/**
 * The difference between two arms and its standard error, by the delta method on the arms'
 * mean vectors (Deng, Knoblich & Lu, "Applying the Delta Method in Metric Analytics", KDD
 * 2018). Absolute: g(β_B) − g(β_A). Relative: (g(β_B) − g(β_A)) / |g₀(β_A)|, where g₀ is
 * the unadjusted control value, so a CUPED-adjusted lift is still "percent of what control
 * actually did" and a negative control mean keeps the sign of the change.
 */
import { type ArmModel, armGradient, armValue, quadForm } from './moments.js';

export type Difference = 'absolute' | 'relative';

/** Why an arm could not be compared; reported in the output instead of a number. */
export type EffectProblem = 'baseline_zero' | 'zero_denominator' | 'zero_variance';

export interface Effect {
  estimate: number;
  se: number;
  /** Per-unit variances of each arm's value and the arm sizes (for Welch degrees of freedom). */
  controlVariance: number;
  treatmentVariance: number;
  nControl: number;
  nTreatment: number;
  controlValue: number;
  treatmentValue: number;
  /** Unadjusted control value (the base of relative lifts and of relative priors). */
  controlBaseline: number;
}

export type EffectResult = { ok: true; effect: Effect } | { ok: false; problem: EffectProblem };

const scale = (v: readonly number[], k: number): number[] => v.map((x) => x * k);

/**
 * @example effectOf(armModel(a), armModel(b), 'relative') // { ok: true, effect: { estimate: 0.707, se: 0.379, … } }
 */
export function effectOf(control: ArmModel, treatment: ArmModel, difference: Difference, theta = 0): EffectResult {
  const f = control.functional;
  const gA = armValue(f, control.beta, theta);
  const gB = armValue(f, treatment.beta, theta);
  const g0 = armValue(f, control.beta, 0);
  if (!Number.isFinite(gA) || !Number.isFinite(gB) || !Number.isFinite(g0)) {
    return { ok: false, problem: 'zero_denominator' };
  }
  const gradA = armGradient(f, control.beta, theta);
  const gradB = armGradient(f, treatment.beta, theta);
  const vA = quadForm(gradA, control.lambda);
  const vB = quadForm(gradB, treatment.lambda);

  let estimate: number;
  let variance: number;
  if (difference === 'absolute') {
    estimate = gB - gA;
    variance = vA / control.n + vB / treatment.n;
  } else {
    if (g0 === 0) return { ok: false, problem: 'baseline_zero' };
    const base = Math.abs(g0);
    estimate = (gB - gA) / base;
    // ∂/∂β_A of (g(β_A′) − g(β_A)) / |g₀(β_A)|, with β_A′ the treatment means.
    const grad0 = armGradient(f, control.beta, 0);
    const dA = gradA.map((x, i) => -x / base - (estimate * Math.sign(g0) * (grad0[i] as number)) / base);
    const dB = scale(gradB, 1 / base);
    variance = quadForm(dA, control.lambda) / control.n + quadForm(dB, treatment.lambda) / treatment.n;
  }
  if (!(variance > 0)) return { ok: false, problem: 'zero_variance' };
  return {
    ok: true,
    effect: {
      estimate,
      se: Math.sqrt(variance),
      controlVariance: vA,
      treatmentVariance: vB,
      nControl: control.n,
      nTreatment: treatment.n,
      controlValue: gA,
      treatmentValue: gB,
      controlBaseline: g0,
    },
  };
}

/**
 * Welch–Satterthwaite degrees of freedom from per-unit variances. When one arm has no
 * variance the other alone determines them; with none, the normal limit (∞).
 * @example welchDf(15.21, 3407, 38.44, 3461) // ≈ 5842
 */
export function welchDf(vA: number, nA: number, vB: number, nB: number): number {
  const a = vA / nA;
  const b = vB / nB;
  const den = (a * a) / (nA - 1) + (b * b) / (nB - 1);
  if (!(den > 0)) return Infinity;
  return ((a + b) * (a + b)) / den;
}
