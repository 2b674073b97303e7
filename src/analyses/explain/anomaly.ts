import { weekdayIndex } from '../shared/time-zone.js';

const DAY_MS = 86_400_000;

/**
 * Anomalies in a daily series, for weekly / monthly reports (METRICS.md "Anomaly detection"):
 * 1. weekday seasonality removed: expectedₜ = median of the same weekday over the previous
 *    `weeks` weeks (at least `minWeeks` of them); residual rₜ = xₜ − expectedₜ;
 * 2. robust z on the residuals: z = 0.6745 · (rₜ − median(R)) / MAD(R), R = the residuals of
 *    the `window` days before t (MAD = median |r − median(R)|; when MAD is 0, 1.2533 · mean
 *    absolute deviation, as Iglewicz & Hoaglin suggest);
 * 3. flagged when |z| > `threshold` (3.5) and the expected volume (median of the same
 *    weekday's volume) is at least `minVolume`.
 */
export interface DailyPoint {
  date: string;
  value: number;
  /** Events behind the value (for the minimum-volume rule); defaults to the value. */
  volume?: number;
}

export interface AnomalyOptions {
  /** Only days on or after this date are scored (the report period); earlier days are history. */
  from: string;
  to?: string;
  weeks?: number;
  minWeeks?: number;
  window?: number;
  threshold?: number;
  minVolume?: number;
  /**
   * The series is a rate (its volume is a denominator): a day without volume has no rate
   * (a retired app version, a channel that paused) and is never an anomaly, and a day
   * must itself reach `minVolume` — a rate over three persons is noise.
   */
  ratio?: boolean;
}

export interface ScoredDay {
  date: string;
  value: number;
  expected: number | null;
  residual: number | null;
  z: number | null;
  volume: number;
  expectedVolume: number | null;
  flagged: boolean;
  direction: 'up' | 'down' | null;
  /** Why a day was not scored or not flagged. */
  reason?: 'not_enough_history' | 'below_min_volume' | 'within_threshold' | 'no_volume';
}

export const ANOMALY_DEFAULTS = { weeks: 8, minWeeks: 3, window: 28, threshold: 3.5, minVolume: 30 } as const;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Robust z of x against a sample: 0.6745 (x − median) / MAD, with the mean-deviation fallback. */
export function robustZ(x: number, sample: readonly number[]): number | null {
  if (sample.length < 3) return null;
  const med = median(sample);
  const mad = median(sample.map((v) => Math.abs(v - med)));
  if (mad > 0) return (0.6745 * (x - med)) / mad;
  const meanAd = sample.reduce((s, v) => s + Math.abs(v - med), 0) / sample.length;
  if (meanAd > 0) return (x - med) / (1.253314 * meanAd);
  return x === med ? 0 : x > med ? Infinity : -Infinity;
}

export function detectAnomalies(series: readonly DailyPoint[], options: AnomalyOptions): ScoredDay[] {
  const o = { ...ANOMALY_DEFAULTS, ...options };
  // Days as integers (days since 1970-01-01): a report scores hundreds of series, each
  // reading every day's neighbours dozens of times, and date strings cost a parse each.
  const dayOf = (d: string) => Math.round(Date.parse(d) / DAY_MS);
  const dateOf = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);
  const byDay = new Map(series.map((p) => [dayOf(p.date), p]));
  const valueOn = (d: number) => byDay.get(d)?.value ?? 0;
  const volumeOn = (d: number) => {
    const p = byDay.get(d);
    return p ? p.volume ?? p.value : 0;
  };
  const first = Math.min(...byDay.keys());
  const known = (d: number) => byDay.size > 0 && d >= first;
  // Each day's expectation is read by the day itself and by the residual windows of the
  // next `window` days: computed once per day.
  const expected = new Map<number, { value: number; volume: number } | null>();
  const expectedOn = (d: number): { value: number; volume: number } | null => {
    if (!expected.has(d)) expected.set(d, expectationOn(d));
    return expected.get(d)!;
  };
  const expectationOn = (d: number): { value: number; volume: number } | null => {
    const prior: number[] = [];
    for (let k = 1; k <= o.weeks; k++) {
      const x = d - 7 * k;
      if (known(x)) prior.push(x);
    }
    if (prior.length < o.minWeeks) return null;
    return { value: median(prior.map(valueOn)), volume: median(prior.map(volumeOn)) };
  };
  const residualOn = (d: number): number | null => {
    const e = expectedOn(d);
    return e === null ? null : valueOn(d) - e.value;
  };
  const last = dayOf(o.to ?? series.map((p) => p.date).sort().at(-1) ?? o.from);
  const out: ScoredDay[] = [];
  for (let d = dayOf(o.from); d <= last; d++) {
    const date = dateOf(d);
    const e = expectedOn(d);
    const value = valueOn(d);
    const volume = volumeOn(d);
    const hist: number[] = [];
    for (let k = 1; k <= o.window; k++) {
      const r = residualOn(d - k);
      if (r !== null) hist.push(r);
    }
    if (!e || hist.length < 7) {
      out.push({ date, value, expected: e?.value ?? null, residual: null, z: null, volume, expectedVolume: e?.volume ?? null, flagged: false, direction: null, reason: 'not_enough_history' });
      continue;
    }
    const residual = value - e.value;
    const z = robustZ(residual, hist);
    const big = z !== null && Math.abs(z) > o.threshold;
    const enough = e.volume >= o.minVolume && (!o.ratio || volume >= o.minVolume);
    out.push({
      date,
      value,
      expected: e.value,
      residual,
      z,
      volume,
      expectedVolume: e.volume,
      flagged: big && enough,
      direction: z === null || z === 0 ? null : z > 0 ? 'up' : 'down',
      ...(big && enough ? {} : { reason: o.ratio && volume === 0 ? ('no_volume' as const) : big ? ('below_min_volume' as const) : ('within_threshold' as const) }),
    });
  }
  return out;
}

/** 0 = Monday … 6 = Sunday, re-exported for callers that label weekdays. */
export { weekdayIndex };
