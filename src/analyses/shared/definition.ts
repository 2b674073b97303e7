import type { ResolvedRange } from './date-range.js';

/**
 * What a result counted, carried by every result so a number is never shown without its
 * definition: the unit, the time zone its days are cut in, the range and the comparison
 * basis, and a formula in words.
 */
export interface ResultDefinition {
  unit: string;
  timeZone: string;
  range: { from: string; to: string; fromDate: string; toDate: string };
  comparison?: { kind: 'previous_period' | 'previous_year'; from: string; to: string }[];
  formula?: string;
  notes?: string[];
}

export function describeRange(r: ResolvedRange): ResultDefinition['range'] {
  return { from: r.from.toISOString(), to: r.to.toISOString(), fromDate: r.fromDate, toDate: r.toDate };
}
