/** NPS with its interval (METRICS.md): SE = 100 × √((p + d − (p − d)²) / n), 95% CI = NPS ± 1.96 SE. */
export interface NpsResult {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  nps: number | null;
  se: number | null;
  ci: [number, number] | null;
  themes: { theme: string; count: number }[];
}

/** @example shapeNps({ n: 1000, promoters: 250, passives: 675, detractors: 75 }, []).ci // [14.07…, 20.92…] */
export function shapeNps(row: { n: number; promoters: number; passives: number; detractors: number }, themes: NpsResult['themes']): NpsResult {
  const n = Number(row.n);
  const promoters = Number(row.promoters);
  const detractors = Number(row.detractors);
  const passives = Number(row.passives);
  if (!n) return { n: 0, promoters, passives, detractors, nps: null, se: null, ci: null, themes };
  const p = promoters / n;
  const d = detractors / n;
  const nps = 100 * (p - d);
  const se = 100 * Math.sqrt(Math.max(0, p + d - (p - d) ** 2) / n);
  return { n, promoters, passives, detractors, nps, se, ci: [nps - 1.96 * se, nps + 1.96 * se], themes };
}
