import { EVENTS, PROPS } from '../../core/events.js';
import { compile, type CompiledQuery, type Fragment, p, sql } from '../../sql/index.js';
import { bucketKey } from '../shared/buckets.js';
import type { AnalysisContext } from '../shared/context.js';
import type { ResolvedRange } from '../shared/date-range.js';
import { eventsWithPersons, personOverrides, resolvedPersonId } from '../shared/persons.js';
import { eventPropertyNumber } from '../shared/properties.js';
import { assertTimeZone } from '../shared/time-zone.js';
import type { ChannelsSpec } from './schema.js';

type Ctx = Pick<AnalysisContext, 'projectId' | 'timeZone' | 'weekStart'>;

/** Spend rows from `ad_spend FINAL` (re-imports replace a day): `{ bucket, channel, campaign, spend, impressions, clicks, currencies }`. */
export function compileSpend(spec: ChannelsSpec, ctx: Ctx, range: ResolvedRange): CompiledQuery {
  // ad_spend dates are the platforms' reporting days, taken as calendar days of the project.
  const bucket =
    spec.interval === 'total' ? sql`''` : spec.interval === 'day' ? sql`toString(date)` : sql`toString(toStartOfWeek(date, ${sql.trusted(ctx.weekStart === 'sunday' ? '0' : '1')}))`;
  const campaign = spec.groupBy === 'campaign' ? sql`campaign` : sql`''`;
  return compile(sql`SELECT ${bucket} AS bucket, channel, ${campaign} AS campaign_key, sum(cost) AS spend, sum(impressions) AS impressions, sum(clicks) AS clicks, groupUniqArray(currency) AS currencies
FROM ad_spend FINAL
WHERE project_id = ${p.string(ctx.projectId)} AND date >= ${p.date(range.fromDate)} AND date <= ${p.date(range.toDate)}
GROUP BY bucket, channel, campaign_key`);
}

/**
 * Behaviour by first touch: `{ bucket, channel, campaign, metric, value }` with metric
 * new_persons | conversions | new_customers | revenue. Per person (identity merges applied):
 * - first touch: the person's earliest event with a channel (an anonymous ad click counts
 *   for the person it later became); the person is "new" for that channel (and campaign)
 *   when the first touch lies in the range;
 * - only persons acquired in the range count, and only what they do at or after their
 *   first touch and inside the range: conversions (distinct persons doing the conversion
 *   event, at their first such event), new paying customers (first-ever order_paid),
 *   revenue (order_paid revenue minus order_refunded refund_amount).
 *
 * Why two narrow sources instead of one pass over each person's whole history: the first
 * touch is each person's earliest channel-bearing event, which `person_first_events` keeps
 * as events arrive (`$touch`, migration 0002; 6.7 s → well under 1 s on the 100 M demo
 * against a scan of all history); its rows are per ingest-time person and are folded
 * *before* the identity join (min / argMin are associative, so folding again after
 * resolution gives each merged person's earliest touch), so the join touches one row per
 * person instead of one per event. The outcome events (conversion, order_paid,
 * order_refunded) are few and found through the sort key (day, event); only they read the
 * JSON `properties` (refund_amount). The former single pass read and parsed `properties`
 * for every event of the project's history (≈ 4–5× the CPU on the demo's 10 M events).
 */
export function compileBehaviour(spec: ChannelsSpec, ctx: Ctx, range: ResolvedRange): CompiledQuery {
  assertTimeZone(ctx.timeZone);
  const from = p.dateTime(range.from);
  const conv = p.string(spec.conversionEvent);
  const paid = p.string(EVENTS.orderPaid);
  const refunded = p.string(EVENTS.orderRefunded);
  const byCampaign = spec.groupBy === 'campaign';
  // Persons acquired in the range: each resolved person's first touch, folded per ingest-time
  // person in person_first_events and again per resolved person.
  const acquired = sql`(
    SELECT ${resolvedPersonId(sql`t.person_id`)} AS person_id, min(t.t0) AS t0, argMin(t.first_channel, t.t0) AS channel, argMin(t.first_campaign, t.t0) AS campaign
    FROM (
      SELECT person_id, min(first_at) AS t0, argMin(channel, first_at) AS first_channel, ${byCampaign ? sql`argMin(campaign, first_at)` : sql`''`} AS first_campaign
      FROM person_first_events
      WHERE project_id = ${p.string(ctx.projectId)} AND event = ${p.string('$touch')} AND first_at < ${p.dateTime(range.to)}
      GROUP BY person_id
    ) AS t
    LEFT ANY JOIN ${personOverrides(ctx.projectId)} AS ov ON ov.old_person_id = t.person_id
    GROUP BY person_id
    HAVING t0 >= ${from}
  )`;
  // Outcomes before the range matter only as an earlier order_paid (not a new customer).
  // Refunds are read apart: only they need the JSON `properties` (refund_amount), and a
  // JSON column costs its whole granules to decompress, so the other outcomes skip it.
  const outcomes = eventsWithPersons({
    projectId: ctx.projectId,
    range: { from: new Date(0), to: range.to },
    // Refunds come only from `refunds` (a conversion event of order_refunded too), so none counts twice.
    events: [...new Set([spec.conversionEvent, EVENTS.orderPaid])].filter((e) => e !== EVENTS.orderRefunded),
    eventWhere: sql`(e.timestamp >= ${from} OR e.event = ${paid})`,
  });
  const refunds = eventsWithPersons({ projectId: ctx.projectId, range, events: [EVENTS.orderRefunded] });
  const revenueEvent = sql`(event = ${paid} OR event = ${refunded}) AND timestamp >= ${from}`;
  // Each person's outcomes as numbers (ms, amount): compared with the person's first touch
  // after the join.
  const perPerson = sql`(
    SELECT person_id,
      groupArrayIf(toUnixTimestamp64Milli(timestamp), event = ${conv} AND timestamp >= ${from}) AS conv_ms,
      minIf(timestamp, event = ${paid}) AS first_paid,
      groupArrayIf(toUnixTimestamp64Milli(timestamp), ${revenueEvent}) AS rev_ms,
      groupArrayIf(if(event = ${paid}, revenue, -refund), ${revenueEvent}) AS rev_v
    FROM (
      SELECT person_id, timestamp, event, revenue, toFloat64(0) AS refund FROM ${outcomes}
      UNION ALL
      SELECT person_id, timestamp, event, toFloat64(0) AS revenue, coalesce(${eventPropertyNumber(EVENTS.orderRefunded, PROPS.refundAmount)}, 0) AS refund FROM ${refunds}
    )
    GROUP BY person_id
  )`;
  const bucket = (ts: Fragment) => (spec.interval === 'total' ? sql`''` : bucketKey(spec.interval, ts, ctx));
  const since = sql`greatest(toUnixTimestamp64Milli(a.t0), toUnixTimestamp64Milli(${from}))`;
  return compile(sql`SELECT ${bucket(sql`m.1`)} AS bucket, first_channel AS channel, campaign_key, m.2 AS metric, sum(m.3) AS value
FROM (
  SELECT a.t0 AS t0, a.channel AS first_channel, a.campaign AS campaign_key, o.first_paid AS first_paid,
    arrayFilter(x -> x >= ${since}, o.conv_ms) AS convs,
    arrayFilter((x, v) -> x >= ${since}, o.rev_ms, o.rev_v) AS rev_ms,
    arrayFilter((v, x) -> x >= ${since}, o.rev_v, o.rev_ms) AS rev_v
  FROM ${acquired} AS a
  LEFT ANY JOIN ${perPerson} AS o ON o.person_id = a.person_id
)
ARRAY JOIN arrayConcat(
  [(t0, 'new_persons', toFloat64(1))],
  if(empty(convs), [], [(fromUnixTimestamp64Milli(arrayMin(convs)), 'conversions', toFloat64(1))]),
  if(first_paid >= t0 AND first_paid >= ${from}, [(first_paid, 'new_customers', toFloat64(1))], []),
  arrayMap((x, v) -> (fromUnixTimestamp64Milli(x), 'revenue', v), rev_ms, rev_v)
) AS m
GROUP BY bucket, first_channel, campaign_key, metric`);
}
