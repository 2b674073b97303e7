/**
 * Guards against specs that would stall the server. Each limit is checked while
 * compiling, so an oversized request fails fast with `too_expensive` and a hint.
 */
export const LIMITS = {
  /** Longest date range, in days (about three years). */
  maxRangeDays: 1100,
  /** Longest range at hourly interval, in days. */
  maxHourlyRangeDays: 31,
  /** Most time buckets in one series. */
  maxBuckets: 1200,
  /** Most points (series × breakdown values × buckets) in one result. */
  maxResultPoints: 100_000,
  /** Most breakdown values returned (the rest become "Other"). */
  maxBreakdownValues: 100,
  /** Most series in one trends query. */
  maxSeries: 20,
  /** Most funnel steps. */
  maxFunnelSteps: 20,
  /** Most filters per series / step. */
  maxFilters: 30,
  /** Most values in an in / not_in filter. */
  maxFilterValues: 1000,
  /** Most retention intervals. */
  maxRetentionIntervals: 120,
  /** Engine-side guard for every analysis query, in seconds. */
  maxExecutionSeconds: 300,
} as const;

/** Settings every analysis query runs with. */
export const ANALYSIS_SETTINGS = {
  max_execution_time: LIMITS.maxExecutionSeconds,
  // ClickHouse returns the result with totals for grouped queries over huge cardinalities
  // only up to this size; beyond it the query fails rather than exhausting memory.
  max_bytes_before_external_group_by: 2_000_000_000,
} as const;
