/** The additive inputs of one row (channel, campaign or total) in one bucket. */
export interface ChannelInputs {
  spend: number;
  impressions: number;
  clicks: number;
  newPersons: number;
  conversions: number;
  newCustomers: number;
  revenue: number;
}

export interface ChannelMetrics extends ChannelInputs {
  ctr: number | null;
  cpm: number | null;
  cpc: number | null;
  cpa: number | null;
  paidCac: number | null;
  roas: number | null;
  roi: number | null;
}

/** Each derived metric's formula, carried in the result's definition (METRICS.md, "Paid media"). */
export const FORMULAS: Record<keyof Omit<ChannelMetrics, keyof ChannelInputs>, string> = {
  ctr: 'CTR = clicks / impressions',
  cpm: 'CPM = spend / impressions × 1000',
  cpc: 'CPC = spend / clicks',
  cpa: 'CPA = spend / conversions (persons doing the conversion event)',
  paidCac: 'paid CAC = spend / new paying customers attributed by first touch (ad spend only)',
  roas: 'ROAS = revenue (paid − refunded) / spend, shown as 4.0x',
  roi: 'ROI = (return − spend) / spend, return = revenue × gross margin (revenue itself when no margin is given)',
};

export const RATE_METRICS: readonly (keyof ChannelMetrics)[] = ['ctr'];

export const zeroInputs = (): ChannelInputs => ({ spend: 0, impressions: 0, clicks: 0, newPersons: 0, conversions: 0, newCustomers: 0, revenue: 0 });

export function addInputs(a: ChannelInputs, b: ChannelInputs): ChannelInputs {
  const out = zeroInputs();
  for (const k of Object.keys(out) as (keyof ChannelInputs)[]) out[k] = a[k] + b[k];
  return out;
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/**
 * Derived metrics from the inputs; a ratio with a zero denominator is null, not 0 or ∞.
 *
 * @example deriveMetrics({ ...zeroInputs(), spend: 100, clicks: 50 }).cpc // 2
 */
export function deriveMetrics(i: ChannelInputs, grossMargin = 1): ChannelMetrics {
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    ...i,
    spend: round(i.spend),
    revenue: round(i.revenue),
    ctr: ratio(i.clicks, i.impressions),
    cpm: i.impressions === 0 ? null : (i.spend / i.impressions) * 1000,
    cpc: ratio(i.spend, i.clicks),
    cpa: ratio(i.spend, i.conversions),
    paidCac: ratio(i.spend, i.newCustomers),
    roas: ratio(i.revenue, i.spend),
    roi: i.spend === 0 ? null : (i.revenue * grossMargin - i.spend) / i.spend,
  };
}
