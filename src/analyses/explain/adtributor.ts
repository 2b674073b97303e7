/**
 * Adtributor (Bhagwan et al., "Adtributor: Revenue Debugging in Advertising Systems",
 * NSDI 2014). For element j of dimension i with forecast F (here: the comparison period)
 * and actual A:
 *   explanatory power EPᵢⱼ = (Aᵢⱼ − Fᵢⱼ) / (A − F)
 *   surprise Sᵢⱼ = Jensen–Shannon divergence of pᵢⱼ = Fᵢⱼ / F and qᵢⱼ = Aᵢⱼ / A
 *     = ½ (p log₂(2p / (p + q)) + q log₂(2q / (p + q))), 0 log 0 = 0 (so 0 ≤ S ≤ 1)
 * Per dimension: sort elements by surprise, take those with EP > T_EEP until Σ EP > T_EP;
 * a dimension that never reaches T_EP does not explain the change. Dimensions are ranked
 * by the summed surprise of their chosen elements.
 * Derived measures (ratios R = N / D, §3.3 of the paper): EPᵢⱼ = (R(N − Nⱼᶠ + Nⱼᵃ, D − Dⱼᶠ + Dⱼᵃ) − R(F)) /
 * (R(A) − R(F)), i.e. the change when only element j moves; surprise = S(N shares) + S(D shares).
 */
export const T_EEP = 0.1;
export const T_EP = 0.67;

export interface AdtributorElement {
  value: string;
  forecast: number;
  actual: number;
  /** For ratio metrics: numerator and denominator in both periods. */
  parts?: { num0: number; den0: number; num1: number; den1: number };
}

export interface ScoredElement extends AdtributorElement {
  ep: number;
  surprise: number;
}

export interface AdtributorDimension {
  dimension: string;
  /** Σ surprise of the chosen elements. */
  surprise: number;
  /** Σ EP of the chosen elements. */
  explanatoryPower: number;
  chosen: ScoredElement[];
  elements: ScoredElement[];
}

export interface AdtributorResult {
  forecast: number;
  actual: number;
  thresholds: { teep: number; tep: number };
  /** Dimensions whose chosen set reached T_EP, by summed surprise (highest first). */
  ranked: AdtributorDimension[];
  /** Dimensions that could not explain the change (no set reached T_EP). */
  rejected: { dimension: string; explanatoryPower: number }[];
}

const plog = (a: number, b: number) => (a <= 0 ? 0 : a * Math.log2(a / b));

/** Jensen–Shannon divergence of two probabilities (one element's share before and after). */
export function jsDivergence(p: number, q: number): number {
  const m = (p + q) / 2;
  if (m <= 0) return 0;
  return 0.5 * (plog(p, m) + plog(q, m));
}

function share(x: number, total: number): number {
  return total === 0 ? 0 : x / total;
}

export function scoreDimension(elements: readonly AdtributorElement[]): { forecast: number; actual: number; scored: ScoredElement[] } {
  const ratio = elements.every((e) => e.parts);
  if (ratio) {
    const s = (k: 'num0' | 'den0' | 'num1' | 'den1') => elements.reduce((t, e) => t + e.parts![k], 0);
    const [N0, D0, N1, D1] = [s('num0'), s('den0'), s('num1'), s('den1')];
    const R = (n: number, d: number) => (d === 0 ? 0 : n / d);
    const F = R(N0, D0);
    const A = R(N1, D1);
    const scored = elements.map((e) => {
      const p = e.parts!;
      const moved = R(N0 - p.num0 + p.num1, D0 - p.den0 + p.den1);
      return {
        ...e,
        ep: A === F ? 0 : (moved - F) / (A - F),
        surprise: jsDivergence(share(p.num0, N0), share(p.num1, N1)) + jsDivergence(share(p.den0, D0), share(p.den1, D1)),
      };
    });
    return { forecast: F, actual: A, scored };
  }
  const F = elements.reduce((t, e) => t + e.forecast, 0);
  const A = elements.reduce((t, e) => t + e.actual, 0);
  const scored = elements.map((e) => ({
    ...e,
    ep: A === F ? 0 : (e.actual - e.forecast) / (A - F),
    surprise: jsDivergence(share(e.forecast, F), share(e.actual, A)),
  }));
  return { forecast: F, actual: A, scored };
}

/**
 * Ranks dimensions by how surprisingly a few of their values explain the change.
 *
 * @example adtributor([{ dimension: 'channel', elements: [{ value: 'douyin', forecast: 100, actual: 40 }, …] }, …])
 */
export function adtributor(dimensions: readonly { dimension: string; elements: readonly AdtributorElement[] }[], teep = T_EEP, tep = T_EP): AdtributorResult {
  const ranked: AdtributorDimension[] = [];
  const rejected: AdtributorResult['rejected'] = [];
  let forecast = 0;
  let actual = 0;
  for (const d of dimensions) {
    const { forecast: F, actual: A, scored } = scoreDimension(d.elements);
    forecast = F;
    actual = A;
    const bySurprise = [...scored].sort((a, b) => b.surprise - a.surprise || (a.value < b.value ? -1 : 1));
    const chosen: ScoredElement[] = [];
    let ep = 0;
    for (const e of bySurprise) {
      if (e.ep > teep) {
        chosen.push(e);
        ep += e.ep;
        if (ep > tep) break;
      }
    }
    if (ep > tep) ranked.push({ dimension: d.dimension, surprise: chosen.reduce((t, e) => t + e.surprise, 0), explanatoryPower: ep, chosen, elements: bySurprise });
    else rejected.push({ dimension: d.dimension, explanatoryPower: ep });
  }
  ranked.sort((a, b) => b.surprise - a.surprise || (a.dimension < b.dimension ? -1 : 1));
  return { forecast, actual, thresholds: { teep, tep }, ranked, rejected };
}
