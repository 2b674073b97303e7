import { EVENTS, PROPS } from '../../core/events.js';
import { compile, type CompiledQuery, type Fragment, p, sql } from '../../sql/index.js';
import { bucketKey } from '../shared/buckets.js';
import type { AnalysisContext } from '../shared/context.js';
import type { ResolvedRange } from '../shared/date-range.js';
import { eventsWithPersons } from '../shared/persons.js';
import { propertyNumber } from '../shared/properties.js';
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
 * new_persons | conversions | new_customers | revenue. One pass over each person's
 * history up to the range end:
 * - first touch: the person's earliest event with a channel (identity merges applied, so
 *   an anonymous ad click counts for the person it later became); the person is "new"
 *   for that channel (and campaign) when the first touch lies in the range;
 * - only persons acquired in the range count, and only what they do at or after their
 *   first touch and inside the range: conversions (distinct persons doing the conversion
 *   event, at their first such event), new paying customers (first-ever order_paid),
 *   revenue (order_paid revenue minus order_refunded refund_amount).
 */
export function compileBehaviour(spec: ChannelsSpec, ctx: Ctx, range: ResolvedRange): CompiledQuery {
  assertTimeZone(ctx.timeZone);
  const from = p.dateTime(range.from);
  const conv = p.string(spec.conversionEvent);
  const paid = p.string(EVENTS.orderPaid);
  const refunded = p.string(EVENTS.orderRefunded);
  const outcomeEvents = p.strings([...new Set([spec.conversionEvent, EVENTS.orderPaid, EVENTS.orderRefunded])]);
  const src = eventsWithPersons({
    projectId: ctx.projectId,
    range: { from: new Date(0), to: range.to },
    eventWhere: sql`e.channel != '' OR e.event IN ${outcomeEvents}`,
  });
  const bucket = (ts: Fragment) => (spec.interval === 'total' ? sql`''` : bucketKey(spec.interval, ts, ctx));
  const campaign = spec.groupBy === 'campaign' ? sql`argMinIf(campaign, timestamp, channel != '')` : sql`''`;
  return compile(sql`SELECT ${bucket(sql`m.1`)} AS bucket, first_channel AS channel, campaign_key, m.2 AS metric, sum(m.3) AS value
FROM (
  SELECT person_id,
    minIf(timestamp, channel != '') AS t0,
    argMinIf(channel, timestamp, channel != '') AS first_channel,
    ${campaign} AS campaign_key,
    minIf(timestamp, event = ${paid}) AS first_paid,
    arrayFilter(o -> o.1 >= t0 AND o.1 >= ${from}, groupArrayIf((timestamp, event, revenue, coalesce(${propertyNumber(PROPS.refundAmount)}, 0)), event IN ${outcomeEvents})) AS outs,
    arrayFilter(o -> o.2 = ${conv}, outs) AS convs
  FROM ${src}
  GROUP BY person_id
  HAVING countIf(channel != '') > 0 AND t0 >= ${from}
)
ARRAY JOIN arrayConcat(
  [(t0, 'new_persons', toFloat64(1))],
  if(empty(convs), [], [(arrayMin(arrayMap(o -> o.1, convs)), 'conversions', toFloat64(1))]),
  if(first_paid >= t0 AND first_paid >= ${from}, [(first_paid, 'new_customers', toFloat64(1))], []),
  arrayMap(o -> (o.1, 'revenue', if(o.2 = ${paid}, o.3, -o.4)), arrayFilter(o -> o.2 = ${paid} OR o.2 = ${refunded}, outs))
) AS m
GROUP BY bucket, first_channel, campaign_key, metric`);
}
