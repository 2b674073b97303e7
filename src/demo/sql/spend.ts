import { EVENTS } from '../../core/events.js';
import { type Fragment, p, sql } from '../../sql/index.js';
import type { DemoPlan } from '../plan.js';
import { CHANNELS, DEMO_PROJECT, PAID_CHANNELS, SPEND } from '../story.js';

/**
 * `ad_spend` from the generated ad clicks: per local day, channel and campaign, the ad
 * platform reports a few more clicks than landed (SPEND.clickOverLanding), impressions
 * from the channel's CTR and cost from its CPC, each with a little deterministic noise.
 * Spend follows the clicks, so every channel's ROAS is its revenue per click over its
 * CPC — which is how kuaishou ends below 1.
 */
export function insertSpend(plan: DemoPlan): Fragment {
  const paid = CHANNELS.filter((c) => c.cpc > 0);
  return sql`INSERT INTO ad_spend (project_id, date, channel, campaign, impressions, clicks, cost, currency, inserted_at)
WITH ${p.strings(paid.map((c) => c.id))} AS ids, ${p.floats(paid.map((c) => c.ctr))} AS ctr, ${p.floats(paid.map((c) => c.cpc))} AS cpc,
  ${p.uint64(plan.seed)} AS seed
SELECT ${p.string(plan.projectId)}, date, channel, campaign,
  toUInt64(round(clicks / ctr[indexOf(ids, channel)] * (0.9 + 0.2 * (cityHash64(seed, date, channel, campaign, 2) % 1000) / 1000))),
  clicks,
  round(clicks * cpc[indexOf(ids, channel)] * (1 - ${p.float64(SPEND.costNoise)} + 2 * ${p.float64(SPEND.costNoise)} * (cityHash64(seed, date, channel, campaign, 3) % 1000) / 1000), 2),
  ${p.string(SPEND.currency)},
  ${p.dateTime(plan.now)}
FROM (
  SELECT toDate(timestamp, ${p.string(DEMO_PROJECT.timeZone)}) AS date, channel, campaign,
    toUInt64(round(count() * ${p.float64(SPEND.clickOverLanding)})) AS clicks
  FROM events
  WHERE project_id = ${p.string(plan.projectId)} AND event = ${p.string(EVENTS.adClick)} AND channel IN ${p.strings(PAID_CHANNELS)}
  GROUP BY date, channel, campaign
)`;
}
