/**
 * From the contract's arm objects (schema.ts) to the engine's sufficient statistics
 * (moments.ts), deciding CUPED from the fields present.
 */
import { FupanError } from '../core/index.js';
import type { ArmStats, Column, CupedRatioProducts } from './moments.js';
import { proportionColumn } from './moments.js';
import type { ArmInput, MeanArm, MetricType, ProportionArm, QuantileArm, RatioArm } from './schema.js';

function usesCuped(type: MetricType, a: ArmInput): boolean {
  if (type === 'mean') return (a as MeanArm).pre !== undefined;
  if (type === 'proportion') return (a as ProportionArm).pre !== undefined || (a as ProportionArm).preSuccesses !== undefined;
  if (type === 'ratio') return (a as RatioArm).mPost !== undefined;
  return false;
}

function toStats(type: MetricType, a: ArmInput, cuped: boolean): ArmStats {
  const n = a.n;
  switch (type) {
    case 'mean': {
      const m = a as MeanArm;
      if (!cuped) return { kind: 'mean', n, sum: m.sum, sumSquares: m.sumSquares };
      const pre = m.pre as { sum: number; sumSquares: number };
      return { kind: 'cuped', n, post: { sum: m.sum, sumSquares: m.sumSquares, binary: false }, pre: { ...pre, binary: false }, sumProducts: m.sumProducts as number };
    }
    case 'proportion': {
      const p = a as ProportionArm;
      if (!cuped) return { kind: 'proportion', n, successes: p.successes };
      const pre: Column = p.pre ? { ...p.pre, binary: false } : proportionColumn(p.preSuccesses as number);
      return { kind: 'cuped', n, post: proportionColumn(p.successes), pre, sumProducts: p.sumProducts as number };
    }
    case 'ratio': {
      const r = a as RatioArm;
      if (!cuped) {
        return { kind: 'ratio', n, numerator: r.numerator!, denominator: r.denominator!, sumProducts: r.sumProducts as number };
      }
      return {
        kind: 'cupedRatio',
        n,
        mPost: r.mPost!,
        dPost: r.dPost!,
        mPre: r.mPre!,
        dPre: r.dPre!,
        sumProducts: r.sumProducts as CupedRatioProducts,
      };
    }
    case 'quantile': {
      const q = a as QuantileArm;
      return { kind: 'quantile', n, nStar: q.nStar, quantile: q.quantile, lower: q.lower, upper: q.upper, nu: q.nu };
    }
  }
}

/**
 * All arms must agree on CUPED: a pre-period for some arms only cannot be adjusted fairly.
 * @example toArmStats('mean', arms, 'arms') // [{ kind: 'mean', … }, …]
 */
export function toArmStats(type: MetricType, arms: readonly ArmInput[], path: string): ArmStats[] {
  const cuped = arms.map((a) => usesCuped(type, a));
  const first = cuped[0] ?? false;
  const odd = cuped.findIndex((c) => c !== first);
  if (odd >= 0) {
    throw new FupanError('invalid_input', {
      path: `${path}.${odd}`,
      problem: 'pre-period (CUPED) fields must be given for every arm or for none',
    });
  }
  return arms.map((a) => toStats(type, a, first));
}
