/**
 * The one door to the distribution functions. Everything in src/stats asks for tails and
 * quantiles here, so accuracy decisions live in one place.
 *
 * Upper tails are computed directly (normal through erfc, Student t through the regularised
 * incomplete beta, chi-square through the upper regularised gamma), never as `1 - cdf`:
 * `1 - cdf(30)` is exactly 0 in doubles, while the true tail, 4.9e-198, is a perfectly
 * representable number (and a Welch t of 40 on 6000 df has a tail of about 1e-310).
 */
import erfc from '@stdlib/math-base-special-erfc';
import betainc from '@stdlib/math-base-special-betainc';
import gammainc from '@stdlib/math-base-special-gammainc';
import normalPdfStd from '@stdlib/stats-base-dists-normal-pdf';
import normalQuantileStd from '@stdlib/stats-base-dists-normal-quantile';
import tQuantileStd from '@stdlib/stats-base-dists-t-quantile';
import chisquareQuantileStd from '@stdlib/stats-base-dists-chisquare-quantile';
import betaQuantileStd from '@stdlib/stats-base-dists-beta-quantile';
import binomialCdfStd from '@stdlib/stats-base-dists-binomial-cdf';

const SQRT2 = Math.SQRT2;

/** Beyond this many degrees of freedom the t and the normal agree to ~1e-10. */
const T_AS_NORMAL_DF = 1e10;

/** P(Z > z) for a standard normal, accurate far into the tail. @example normalSf(1.96) // 0.025 */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / SQRT2);
}

/** P(Z ≤ z), computed as the upper tail of −z so the lower tail is as accurate as the upper. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** Standard normal density. @example normalPdf(0) // 0.3989 */
export function normalPdf(z: number): number {
  return normalPdfStd(z, 0, 1);
}

/** Standard normal quantile: the z with P(Z ≤ z) = p. @example normalQuantile(0.975) // 1.95996 */
export function normalQuantile(p: number): number {
  if (p > 0 && p < DEEP_TAIL) return -deepTailQuantile(p);
  if (p < 1 && 1 - p < DEEP_TAIL) return deepTailQuantile(1 - p);
  return normalQuantileStd(p, 0, 1);
}

/** stdlib's normal quantile goes through erfinv(2p − 1), which rounds to −1 below ~1e-16. */
const DEEP_TAIL = 1e-15;

/**
 * The z > 0 with P(Z > z) = p for tiny p: start from the asymptotic expansion of the Mills
 * ratio and polish with Newton steps on log P(Z > z), which is smooth and well scaled there.
 */
function deepTailQuantile(p: number): number {
  const l = -2 * Math.log(p);
  let z = Math.sqrt(l - Math.log(l) - Math.log(2 * Math.PI));
  for (let i = 0; i < 8; i++) {
    const sf = normalSf(z);
    if (sf === 0) break;
    // d/dz log sf = −pdf/sf
    const step = (Math.log(sf) - Math.log(p)) / (normalPdf(z) / sf);
    z += step;
    if (Math.abs(step) < 1e-14 * z) break;
  }
  return z;
}

/**
 * The z with P(Z > z) = p. Written through the lower quantile of p itself, so a tiny p does
 * not first round `1 - p` to 1. @example normalUpperQuantile(0.025) // 1.95996
 */
export function normalUpperQuantile(p: number): number {
  return -normalQuantile(p);
}

/**
 * P(T > t) for Student's t with `df` degrees of freedom. For t > 0 the tail is
 * ½·I_x(df/2, ½) with x = df/(df + t²), which stays accurate when the tail is tiny.
 * @example tSf(2.228, 10) // ≈ 0.025
 */
export function tSf(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df)) return NaN;
  if (!(df < T_AS_NORMAL_DF)) return normalSf(t);
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const half = 0.5 * betainc(df / (df + t * t), df / 2, 0.5, true, false);
  return t > 0 ? half : 1 - half;
}

/** P(T ≤ t), the mirror of {@link tSf}. @example tCdf(-2.228, 10) // ≈ 0.025 */
export function tCdf(t: number, df: number): number {
  return tSf(-t, df);
}

/** The t with P(T > t) = p. @example tUpperQuantile(0.025, 10) // 2.228 */
export function tUpperQuantile(p: number, df: number): number {
  if (!(df < T_AS_NORMAL_DF)) return normalUpperQuantile(p);
  return -tQuantileStd(p, df);
}

/**
 * P(X > x) for a chi-square with k degrees of freedom: the upper regularised gamma
 * Q(k/2, x/2), evaluated as such rather than as 1 − P.
 * @example chiSquareSf(3.841, 1) // ≈ 0.05
 */
export function chiSquareSf(x: number, k: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, k / 2, true, true);
}

/** Chi-square quantile. @example chiSquareQuantile(0.95, 1) // 3.841 */
export function chiSquareQuantile(p: number, k: number): number {
  return chisquareQuantileStd(p, k);
}

/** Beta(a, b) quantile. @example betaQuantile(0.5, 2, 2) // 0.5 */
export function betaQuantile(p: number, a: number, b: number): number {
  return betaQuantileStd(p, a, b);
}

/** P(X ≤ x) for X ~ Binomial(n, p). @example binomialCdf(5, 10, 0.5) // 0.623 */
export function binomialCdf(x: number, n: number, p: number): number {
  return binomialCdfStd(x, n, p);
}
