import type { ResultDefinition } from '../shared/definition.js';

export interface RetentionCohort {
  /** First local day of the cohort's period. */
  start: string;
  size: number;
  /** Persons counted at interval k (k = 0 is the size); null where the cohort has not reached k yet. */
  values: (number | null)[];
  /** values[k] / size (null when not reached or the cohort is empty). */
  percentages: (number | null)[];
}

export interface RetentionTable {
  cohorts: RetentionCohort[];
  /** Size-weighted average per interval over the cohorts that reached it: Σ values[k] / Σ size. */
  average: (number | null)[];
}

export interface RetentionResult extends RetentionTable {
  breakdown?: ({ value: string } & RetentionTable)[];
  definition: ResultDefinition;
}

export interface RetentionRow {
  cohort: number;
  value: string;
  size: number;
  returned: number[];
}

/**
 * Rows of one breakdown value → the table. `starts` lists every cohort period (empty ones
 * included); `reached(c, k)` says whether cohort c has reached interval k.
 */
export function shapeTable(rows: readonly RetentionRow[], starts: readonly string[], intervals: number, reached: (c: number, k: number) => boolean): RetentionTable {
  const byCohort = new Map(rows.map((r) => [Number(r.cohort), r]));
  const cohorts = starts.map((start, c) => {
    const r = byCohort.get(c);
    const size = Number(r?.size ?? 0);
    const values = Array.from({ length: intervals }, (_, k) => (reached(c, k) ? (k === 0 ? size : Number(r?.returned[k - 1] ?? 0)) : null));
    return { start, size, values, percentages: values.map((v) => (v === null || size === 0 ? null : v / size)) };
  });
  const average = Array.from({ length: intervals }, (_, k) => {
    let num = 0;
    let den = 0;
    for (const c of cohorts) {
      const v = c.values[k];
      if (v === null || v === undefined) continue;
      num += v;
      den += c.size;
    }
    return den === 0 ? null : num / den;
  });
  return { cohorts, average };
}
