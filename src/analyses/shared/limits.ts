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

/**
 * Settings every analysis query runs with.
 *
 * No fixed `max_bytes_before_external_group_by`: a fixed 2 GB made the report's call-rate
 * pass over the 100 M demo spill its per-person arrays to disk (5.1–5.5 s against 4.4–4.8 s
 * for the same query, same rows). The engine's own ratio setting
 * (`max_bytes_ratio_before_external_group_by`, 0.5 of the memory available by default in
 * chDB) still spills a GROUP BY that would outgrow the machine.
 */
export const ANALYSIS_SETTINGS = {
  max_execution_time: LIMITS.maxExecutionSeconds,
} as const;
