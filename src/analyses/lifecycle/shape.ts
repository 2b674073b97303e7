import { type LifecycleStatus, STATUSES } from './schema.js';

export interface LifecycleRow {
  period: string;
  status: LifecycleStatus;
  persons: number;
}

export interface LifecyclePeriod {
  period: string;
  new: number;
  returning: number;
  resurrecting: number;
  /** A positive count; charts usually draw it below the axis. */
  dormant: number;
  /** Quick ratio: (new + resurrecting) / dormant; null when nobody went dormant. */
  quickRatio: number | null;
}

/** Rows → one entry per period (every period present, zero-filled). */
export function shapeLifecycle(periods: readonly string[], rows: readonly LifecycleRow[]): LifecyclePeriod[] {
  const by = new Map(periods.map((p) => [p, Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<LifecycleStatus, number>]));
  for (const r of rows) {
    const cell = by.get(r.period);
    if (cell && STATUSES.includes(r.status)) cell[r.status] += Number(r.persons);
  }
  return periods.map((period) => {
    const c = by.get(period)!;
    return { period, ...c, quickRatio: c.dormant ? (c.new + c.resurrecting) / c.dormant : null };
  });
}
