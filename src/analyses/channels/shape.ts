import { addInputs, type ChannelInputs, zeroInputs } from './metrics.js';

export interface SpendRow {
  bucket: string;
  channel: string;
  campaign_key: string;
  spend: number;
  impressions: number;
  clicks: number;
  currencies: string[];
}

export interface BehaviourRow {
  bucket: string;
  channel: string;
  campaign_key: string;
  metric: 'new_persons' | 'conversions' | 'new_customers' | 'revenue';
  value: number;
}

const METRIC: Record<BehaviourRow['metric'], keyof ChannelInputs> = {
  new_persons: 'newPersons',
  conversions: 'conversions',
  new_customers: 'newCustomers',
  revenue: 'revenue',
};

/** Inputs per row key (`channel`, or `channel / campaign`) and bucket. */
export interface ChannelCells {
  keys: { channel: string; campaign: string }[];
  /** key index → bucket → inputs. */
  cells: Map<string, Map<string, ChannelInputs>>;
}

export const rowKey = (channel: string, campaign: string) => `${channel}\u0000${campaign}`;

/** Joins spend and behaviour rows on (channel, campaign, bucket); either side may be missing. */
export function mergeRows(spend: readonly SpendRow[], behaviour: readonly BehaviourRow[]): ChannelCells {
  const cells = new Map<string, Map<string, ChannelInputs>>();
  const keys: ChannelCells['keys'] = [];
  const cell = (channel: string, campaign: string, bucket: string) => {
    const k = rowKey(channel, campaign);
    let row = cells.get(k);
    if (!row) {
      row = new Map();
      cells.set(k, row);
      keys.push({ channel, campaign });
    }
    let c = row.get(bucket);
    if (!c) row.set(bucket, (c = zeroInputs()));
    return c;
  };
  for (const r of spend) {
    const c = cell(r.channel, r.campaign_key, r.bucket);
    c.spend += Number(r.spend);
    c.impressions += Number(r.impressions);
    c.clicks += Number(r.clicks);
  }
  for (const r of behaviour) cell(r.channel, r.campaign_key, r.bucket)[METRIC[r.metric]] += Number(r.value);
  return { keys, cells };
}

/** Sum of a row's buckets (or of every row when `key` is omitted). */
export function totalOf(c: ChannelCells, key?: string): ChannelInputs {
  let out = zeroInputs();
  for (const [k, row] of c.cells) if (key === undefined || k === key) for (const v of row.values()) out = addInputs(out, v);
  return out;
}
