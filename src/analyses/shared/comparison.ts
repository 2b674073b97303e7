import { z } from 'zod';

/** 环比 (`previous_period`) and / or 同比 (`previous_year`). */
export const compareSchema = z.array(z.enum(['previous_period', 'previous_year'])).max(2).default([]);

export interface Change {
  /** The comparison value. */
  previous: number | null;
  /** current − previous. */
  absolute: number | null;
  /** (current − previous) / |previous|; null when previous is 0 or missing. */
  relative: number | null;
  /** For rates (0–1): the change in percentage points, 100 × (current − previous). */
  percentagePoints: number | null;
}

/**
 * The change from `previous` to `current`. For rates, percentage points are the honest
 * figure (a conversion from 20% to 22% is +2 pp, not +10%); both are returned.
 *
 * @example change(0.22, 0.2, true) // { absolute: 0.02, relative: 0.1, percentagePoints: 2, previous: 0.2 }
 */
export function change(current: number | null, previous: number | null, isRate: boolean): Change {
  if (current === null || previous === null || !Number.isFinite(current) || !Number.isFinite(previous)) {
    return { previous, absolute: null, relative: null, percentagePoints: null };
  }
  const absolute = current - previous;
  return {
    previous,
    absolute,
    relative: previous === 0 ? null : absolute / Math.abs(previous),
    percentagePoints: isRate ? round(absolute * 100, 10) : null,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
