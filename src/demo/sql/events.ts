import { EVENTS, PROPS } from '../../core/events.js';
import { type Fragment, sql } from '../../sql/index.js';
import type { Chunk, DemoPlan } from '../plan.js';
import { storyConstants } from './constants.js';
import { personsQuery } from './persons.js';
import { normal, pick, u } from './random.js';

/** An event name from the documented list, as a SQL string literal (code-chosen). */
function ev(name: string): Fragment {
  if (!(Object.values(EVENTS) as string[]).includes(name)) throw new RangeError(`undocumented event ${name}`);
  return sql.trusted(`'${name}'`);
}

/** `,"name":` — a JSON key for the properties string (names from PROPS, written in code). */
function key(name: string): Fragment {
  if (!/^[$A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new RangeError(`bad property name ${name}`);
  return sql.trusted(`',"${name}":'`);
}
const q = sql.trusted(`'"'`);

/**
 * One session per row, with its start instant, app version, launch time and the
 * outcome of every funnel step (drawn with keys (pid, si, …)). Session 0 is the
 * acquisition session; the others are returning sessions of persons who signed up.
 *
 * Why so many levels: ClickHouse expands an alias used in the same SELECT into its
 * expression, so chains (paid → called → call_p → broken → minor → nl) written in one
 * level grow into a huge expression tree that takes seconds to analyse. Each level
 * below only reads columns of the level under it.
 */
function sessionsQuery(chunk: Chunk): Fragment {
  const level1 = sql`
  SELECT * EXCEPT (days, sis), d, si, pos,
    si = 0 AS first,
    -- release train: the latest release on day d is nl
    nx + toInt64(floor((d - rx) / train_days)) AS nl
  FROM (${personsQuery(chunk)})
  ARRAY JOIN days AS d, sis AS si, arrayEnumerate(days) AS pos`;
  const level2 = sql`
  SELECT *,
    start_ms + d * 86400000 + 1000 * if(first, acq_sec,
      (${pick('hour_cum', u('pid', 'si', 1))} - 1) * 3600 + toUInt32(${u('pid', 'si', 2)} * 3000)) AS t0,
    -- a returning user adopts the latest release after a lag (new users get it at once)
    greatest(0, if(first OR d >= rx + train_days * (nl - nx)
        + least(13, toInt64(floor(-log(${u('pid', 'nl + 1000', 3)}) * lag_mean))), nl, nl - 1)) AS minor,
    exp(load_sigma * ${normal(['pid', 'si', 4], ['pid', 'si', 5])}) AS load_noise,
    -- store: views this session and the cart step
    if(app = 1, if(signed, 1 + (${u('pid', 'si', 21)} < 0.6) + (${u('pid', 'si', 22)} < 0.3), ${u('pid', 'si', 23)} < p_anon_view), 0) AS views,
    buyer AND ${u('pid', 'si', 9)} < p_cart AS carted,
    -- what is bought
    ${pick('store_line_cum', u('pid', 'si', 13))} AS line,
    ${u('pid', 'si', 13)} < vip_share AS vip,
    -- NPS
    si = survey_si AS surveyed,
    if(app = 0, ${pick('nps_mix_chat', u('pid', 'si', 20))}, ${pick('nps_mix_store', u('pid', 'si', 20))}) AS nps_class
  FROM (${level1})`;
  const level3 = sql`
  SELECT *,
    round(if(minor >= fast_minor, load_after, load_before)
      * if(os_names[os] = 'Android', android_factor, 1) * if(device_types[dev] = 'desktop', desktop_factor, 1)
      * if(first, 1, warm_factor) * load_noise) AS load_ms,
    -- the planted anomaly: one version breaks robot_call on one day
    app = 0 AND d = anomaly_day AND minor = anomaly_minor AS broken,
    exp_pos > 0 AND pos >= exp_pos AND d <= exp_end AS in_exp,
    carted AND ${u('pid', 'si', 10)} < p_checkout AS checkout,
    if(app = 0,
      if(vip, vip_prices[${pick('vip_cum', u('pid', 'si', 14))}], coin_prices[${pick('coin_cum', u('pid', 'si', 14))}]),
      store_prices[(line - 1) * 3 + 1 + toUInt32(floor(${u('pid', 'si', 14)} * 3))]) AS price,
    if(app = 0, chat_lines[1 + vip], store_lines[line]) AS product_line,
    concat('o', lower(hex(cityHash64(seed, pid, si, 15)))) AS order_id,
    multiIf(nps_class = 1, 9 + (${u('pid', 'si', 24)} < 0.55), nps_class = 2, 7 + (${u('pid', 'si', 24)} < 0.5),
      toUInt8(floor(7 * sqrt(${u('pid', 'si', 24)})))) AS score,
    if(nps_class = 1 OR (nps_class = 2 AND ${u('pid', 'si', 25)} < 0.4), 5,
      if(app = 0, ${pick('theme_cum_chat', u('pid', 'si', 26))}, ${pick('theme_cum_store', u('pid', 'si', 26))})) AS theme
  FROM (${level2})`;
  const level4 = sql`
  SELECT *,
    least(0.97, (if(caller, p_call * prop, 0) + if(in_exp AND treat, exp_lift, 0)) * if(broken, anomaly_factor, 1)) AS call_p,
    app = 0 AND signed AND ${u('pid', 'si', 6)} < if(first, p_wall * if(load_ms > slow_ms, slow_penalty, 1), p_wall_ret) AS wall,
    if(${u('pid', 'si', 16)} < p_full_refund, price, round(price / 2, 2)) AS refund_amount,
    if(surveyed AND ${u('pid', 'si', 27)} < nps_comment_rate,
      comments[(theme - 1) * 5 + 1 + toUInt32(floor(${u('pid', 'si', 28)} * 5))], '') AS comment
  FROM (${level3})`;
  const level5 = sql`SELECT *, wall AND ${u('pid', 'si', 7)} < call_p AS called FROM (${level4})`;
  const level6 = sql`
  SELECT *,
    if(app = 0,
      called AND ${u('pid', 'si', 8)} < if(first, p_pay_first, p_pay_ret) * channel_paymult[ch],
      checkout AND ${u('pid', 'si', 11)} < p_store_pay * channel_paymult[ch]) AS paid
  FROM (${level5})`;
  return sql`SELECT *, app = 1 AND paid AND ${u('pid', 'si', 12)} < p_refund AS refunded FROM (${level6})`;
}

/**
 * The candidate events of a session, in order, as (happens, name, offset ms, extra
 * properties, written under the user id). Offsets follow seed 000's story: the robot
 * call comes ~15 s after the anchor wall (the 空档期).
 */
function candidates(): Fragment {
  // The extra properties are built only for events that happen (if() short-circuits).
  const t = (happens: Fragment, name: string, offset: Fragment, extra: Fragment, asUser: Fragment) =>
    sql`tuple(toUInt8(${happens}) AS h${sql.trusted(String(++n))}, ${ev(name)}, toInt64(${offset}), if(h${sql.trusted(String(n))} = 1, ${extra}, ''), toUInt8(${asUser}))`;
  let n = 0;
  const none = sql.trusted(`''`);
  const utm = sql`concat(${key(PROPS.utmSource)}, ${q}, channel_name, ${q}, ${key(PROPS.utmMedium)}, '"cpc"', ${key(PROPS.utmCampaign)}, ${q}, campaign_name, ${q})`;
  const order = sql`concat(${key(PROPS.orderId)}, ${q}, order_id, ${q}, ${key(PROPS.revenue)}, toString(price), ${key(PROPS.currency)}, '"CNY"', ${key(PROPS.productLine)}, ${q}, product_line, ${q})`;
  const item = (line: Fragment, price: Fragment) => sql`concat(${key(PROPS.productLine)}, ${q}, ${line}, ${q}, ${key(PROPS.price)}, toString(${price}))`;
  const otherLine = (k: number) => sql`store_lines[${pick('store_line_cum', u('pid', 'si', k))}]`;
  const wallAt = sql`if(first, 75000, 6000) + load_ms`;
  return sql`[
    ${t(sql`first AND ch != organic_ch`, EVENTS.adClick, sql`0`, utm, sql`0`)},
    ${t(sql`app = 0`, EVENTS.appLaunch, sql`if(first, 4000, 0)`, sql`concat(${key(PROPS.loadMs)}, toString(load_ms), ${key(PROPS.firstLaunch)}, if(first, 'true', 'false'))`, sql`NOT first`)},
    ${t(sql`app = 1`, EVENTS.pageview, sql`3000`, sql`concat(${key(PROPS.pathname)}, if(first, '"/landing"', '"/"'))`, sql`NOT first`)},
    ${t(sql`first AND signed`, EVENTS.identify, sql`60000`, sql`concat(${key(PROPS.anonDistinctId)}, ${q}, anon_id, ${q})`, sql`1`)},
    ${t(sql`first AND signed`, EVENTS.signUp, sql`61000`, sql`concat(${key(PROPS.signUpMethod)}, if(${u('pid', 'si', 30)} < 0.7, '"phone"', '"wechat"'))`, sql`1`)},
    ${t(sql`pos = exp_pos`, EVENTS.experimentExposure, sql`2000 + load_ms`, sql`concat(${key(PROPS.experiment)}, ${q}, exp_key, ${q}, ${key(PROPS.variant)}, if(treat, '"treatment"', '"control"'))`, sql`1`)},
    ${t(sql`wall`, EVENTS.anchorWallView, wallAt, none, sql`1`)},
    ${t(sql`called`, EVENTS.robotCall, sql`${wallAt} + 15000 + toInt64(${u('pid', 'si', 31)} * 20000)`, none, sql`1`)},
    ${t(sql`views >= 1`, EVENTS.productView, sql`90000`, item(sql`product_line`, sql`price`), sql`signed`)},
    ${t(sql`views >= 2`, EVENTS.productView, sql`150000`, item(otherLine(32), sql`price`), sql`1`)},
    ${t(sql`views >= 3`, EVENTS.productView, sql`210000`, item(otherLine(33), sql`price`), sql`1`)},
    ${t(sql`carted`, EVENTS.addToCart, sql`260000`, item(sql`product_line`, sql`price`), sql`1`)},
    ${t(sql`checkout`, EVENTS.checkoutStarted, sql`320000`, item(sql`product_line`, sql`price`), sql`1`)},
    ${t(sql`paid`, EVENTS.orderPaid, sql`if(app = 0, ${wallAt} + 240000, 380000)`, order, sql`1`)},
    ${t(sql`refunded`, EVENTS.orderRefunded, sql`86400000 * (1 + toInt64(floor(${u('pid', 'si', 34)} * 10)))`,
      sql`concat(${key(PROPS.orderId)}, ${q}, order_id, ${q}, ${key(PROPS.refundAmount)}, toString(refund_amount), ${key(PROPS.currency)}, '"CNY"', ${key(PROPS.productLine)}, ${q}, product_line, ${q})`, sql`1`)},
    ${t(sql`surveyed`, EVENTS.surveyResponse, sql`900000`,
      sql`concat(${key(PROPS.survey)}, ${q}, nps_survey, ${q}, ${key(PROPS.score)}, toString(score), if(comment = '', '', concat(${key(PROPS.comment)}, ${q}, comment, ${q})))`, sql`1`)}
  ]`;
}

/**
 * `INSERT INTO events … SELECT` for one chunk of persons: persons → sessions → events,
 * all inside the engine. Properties are a JSON string built from the person's super
 * properties (app, channel, campaign, device, os, region, city, app version) plus the
 * event's own. Pre-signup events carry the anonymous id; for late-merged persons they
 * also carry the old person id (resolved through person_overrides).
 *
 * The materialised columns (channel, campaign, device_type, os, app_version, region,
 * revenue) are written with the very values their JSON expressions would extract — the
 * generator knows them — which saves the JSON parsing that dominates a bulk insert. Run
 * it with `insert_allow_materialized_columns = 1` (EVENTS_INSERT_SETTINGS); a test checks
 * that every stored value equals its expression's.
 */
export function insertEvents(plan: DemoPlan, chunk: Chunk): Fragment {
  return sql`INSERT INTO events (project_id, uuid, event, distinct_id, person_id, timestamp, properties, received_at,
  channel, campaign, device_type, os, app_version, region, revenue)
${storyConstants(plan)}
SELECT
  project AS project_id,
  reinterpretAsUUID(concat(reinterpretAsFixedString(cityHash64(seed, pid, si, k, 1)), reinterpretAsFixedString(cityHash64(seed, pid, si, k, 2)))) AS uuid,
  e.2 AS event,
  if(e.5 = 1, user_id, anon_id) AS distinct_id,
  if(e.5 = 1 OR NOT late, person_uuid, old_person_uuid) AS person_id,
  fromUnixTimestamp64Milli(t0 + e.3, 'UTC') AS timestamp,
  concat(head, e.4, '}') AS properties,
  timestamp AS received_at,
  channel_name AS channel,
  campaign_name AS campaign,
  device_name AS device_type,
  os_name AS os,
  version_name AS app_version,
  region_name AS region,
  if(e.2 = ${ev(EVENTS.orderPaid)}, price, 0) AS revenue
FROM (
  -- only what the events need: every column listed here is copied once per event
  SELECT pid, si, late, person_uuid, old_person_uuid, user_id, anon_id, t0, price,
    app_names[app + 1] AS app_name,
    channel_ids[ch] AS channel_name,
    campaigns[camp] AS campaign_name,
    device_types[dev] AS device_name,
    os_names[os] AS os_name,
    regions[reg] AS region_name,
    if(app = 0, concat(major, '.', toString(minor), '.0'), '') AS version_name,
    concat('{"app":"', app_name, '","channel":"', channel_name, '"',
      if(campaign_name = '', '', concat(',"campaign":"', campaign_name, '"')),
      ',"device_type":"', device_name, '","$os":"', os_name,
      '","region":"', region_name, '","city":"', cities[city], '"',
      if(version_name = '', '', concat(',"app_version":"', version_name, '"'))) AS head,
    ${candidates()} AS all_events
  FROM (${sessionsQuery(chunk)})
)
ARRAY JOIN arrayFilter(x -> x.1 = 1, all_events) AS e, arrayFilter((i, x) -> x.1 = 1, arrayEnumerate(all_events), all_events) AS k
WHERE t0 + e.3 <= now_ms`;
}
