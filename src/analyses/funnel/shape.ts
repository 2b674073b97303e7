import type { ResultDefinition } from '../shared/definition.js';
import type { FunnelSpec } from './schema.js';

export interface FunnelStepResult {
  event: string;
  /** Persons whose best attempt reached this step. */
  count: number;
  /** count / previous step's count (null for step 0 or when the previous count is 0). */
  conversionFromPrevious: number | null;
  /** count / step 0's count. */
  conversionFromFirst: number | null;
  /** Persons lost since the previous step: previous count − count (0 for step 0). */
  dropOff: number;
  /** 1 − conversionFromPrevious. */
  dropOffRate: number | null;
  /** Mean / median seconds from the previous step to this one, over persons who reached it. */
  averageTimeToConvertSeconds: number | null;
  medianTimeToConvertSeconds: number | null;
}

export interface FunnelResult {
  steps: FunnelStepResult[];
  breakdown?: { value: string; steps: FunnelStepResult[] }[];
  timeToConvert?: { fromStep: number; toStep: number; bins: { fromSeconds: number; toSeconds: number; persons: number }[] };
  trend?: { period: string; entered: number; converted: number; conversionRate: number | null }[];
  persons?: { step: number; status: 'dropped' | 'reached'; total: number; personIds: string[] };
  definition: ResultDefinition;
}

export interface FunnelRow {
  value: string;
  counts: number[];
  avgs: (number | null)[];
  medians: (number | null)[];
}

const ratio = (a: number, b: number | undefined) => (b ? a / b : null);
const seconds = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 1000) / 1000);

/** One row of step aggregates → the steps of the result. */
export function shapeSteps(spec: FunnelSpec, row: FunnelRow | undefined): FunnelStepResult[] {
  const counts = spec.steps.map((_, k) => Number(row?.counts[k] ?? 0));
  return spec.steps.map((s, k) => {
    const prev = k === 0 ? undefined : counts[k - 1];
    const fromPrev = k === 0 ? null : ratio(counts[k]!, prev);
    return {
      event: s.event,
      count: counts[k]!,
      conversionFromPrevious: fromPrev,
      conversionFromFirst: ratio(counts[k]!, counts[0]),
      dropOff: k === 0 ? 0 : prev! - counts[k]!,
      dropOffRate: fromPrev === null ? null : 1 - fromPrev,
      averageTimeToConvertSeconds: k === 0 ? null : seconds(row?.avgs[k]),
      medianTimeToConvertSeconds: k === 0 ? null : seconds(row?.medians[k]),
    };
  });
}

export function shapeTimeToConvert(
  spec: FunnelSpec,
  rows: readonly { bin: number; lo: number; width: number; persons: number }[],
): NonNullable<FunnelResult['timeToConvert']> {
  const t = spec.timeToConvert!;
  const first = rows[0];
  const bins = first
    ? Array.from({ length: t.bins }, (_, i) => ({
        fromSeconds: seconds(first.lo + i * first.width)!,
        toSeconds: seconds(first.lo + (i + 1) * first.width)!,
        persons: Number(rows.find((r) => Number(r.bin) === i)?.persons ?? 0),
      }))
    : [];
  return { fromStep: t.fromStep ?? 0, toStep: t.toStep ?? spec.steps.length - 1, bins };
}

export function shapeTrend(rows: readonly { period: string; entered: number; converted: number }[]): NonNullable<FunnelResult['trend']> {
  return rows.map((r) => ({ period: r.period, entered: Number(r.entered), converted: Number(r.converted), conversionRate: ratio(Number(r.converted), Number(r.entered)) }));
}
