import { type Fragment, p, Param, sql } from '../../sql/index.js';
import { dayIndex, type DemoPlan } from '../plan.js';
import {
  ANOMALY,
  APPS,
  campaignName,
  CHANNELS,
  DEVICES,
  EXPERIMENT,
  FUNNEL,
  HOURS,
  IDENTITY,
  isoWeekday,
  LOAD_TIME,
  NPS,
  NPS_COMMENTS,
  PRODUCTS,
  REGIONS,
  RELEASE_TRAIN,
  RETENTION,
  SHIFT,
  VIDEO_CHAT_SHARE,
  WEEKDAY,
} from '../story.js';

/**
 * The story as one `WITH {p0:T} AS name, …` clause: every constant of story.ts (and the
 * plan's dates) travels as a typed parameter under a name the generators use. ClickHouse
 * propagates WITH aliases into subqueries, so each generator reads `seed`, `channel_cum`, …
 * wherever it needs them. Names are written here in code; values are parameters.
 */
export function storyConstants(plan: DemoPlan): Fragment {
  const f = plan.facts;
  const day = (date: string) => p.int64(dayIndex(plan, date));
  const entries: [string, Param][] = [
    ['seed', p.uint64(plan.seed)],
    ['project', p.string(plan.projectId)],
    ['first_acq', p.int64(plan.firstAcq)],
    ['cohort_ends', new Param('Array(UInt64)', plan.cohortEnds)],
    ['last_day', p.int64(plan.days - 1)],
    ['start_ms', p.int64(plan.startMs)],
    ['now_ms', p.int64(plan.nowMs)],
    // Monday = 0 for window day 0.
    ['wd0', p.int64(isoWeekday(plan.firstDay) - 1)],
    ['wd_session', p.floats(WEEKDAY.session)],
    ['hour_cum', p.floats(cumulative(HOURS))],
    ['chat_share', p.float64(VIDEO_CHAT_SHARE)],
    ['app_names', p.strings(APPS)],
    ['channel_ids', p.strings(CHANNELS.map((c) => c.id))],
    ['channel_cum', p.floats(cumulative(CHANNELS.map((c) => c.share)))],
    ['channel_paymult', p.floats(CHANNELS.map((c) => c.payMult))],
    ['organic_ch', p.int64(CHANNELS.findIndex((c) => c.id === 'organic') + 1)],
    // Index ((ch − 1) × 2 + app) × 2 + k + 1.
    ['campaigns', p.strings(CHANNELS.flatMap((c) => APPS.flatMap((a) => [campaignName(c.id, a, 0), campaignName(c.id, a, 1)])))],
    ['device_types', p.strings(DEVICES.map((d) => d.type))],
    ['device_cum', p.floats(cumulative(DEVICES.map((d) => d.share)))],
    ['os_names', p.strings(DEVICES.flatMap((d) => [...d.os]))],
    ['os_first_share', p.floats(DEVICES.map((d) => d.firstOsShare))],
    ['regions', p.strings(REGIONS.map((r) => r.region))],
    ['region_cum', p.floats(cumulative(REGIONS.map((r) => r.share)))],
    ['cities', p.strings(REGIONS.flatMap((r) => [...r.cities]))],
    ['signup_p', p.float64(FUNNEL.signUp)],
    ['shift_ch', p.int64(CHANNELS.findIndex((c) => c.id === SHIFT.channel) + 1)],
    ['shift_day', day(f.shift.from)],
    ['shift_factor', p.float64(SHIFT.factor)],
    ['late_share', p.float64(IDENTITY.lateMergeShare)],
    ['anon_prefix', p.string(IDENTITY.anonPrefix)],
    ['user_prefix', p.string(IDENTITY.userPrefix)],
    ['churn_chat', p.float64(RETENTION.churn.video_chat)],
    ['churn_store', p.float64(RETENTION.churn.store)],
    ['gap_chat', p.float64(RETENTION.meanGapDays.video_chat)],
    ['gap_store', p.float64(RETENTION.meanGapDays.store)],
    ['max_sessions', p.int64(RETENTION.maxSessions)],
    // Release train: the latest release (minor nx) shipped on window day rx.
    ['rx', day(f.lastWeek.from)],
    ['nx', p.int64(RELEASE_TRAIN.latestMinor)],
    ['train_days', p.int64(RELEASE_TRAIN.everyDays)],
    ['lag_mean', p.float64(RELEASE_TRAIN.meanAdoptionLagDays)],
    ['major', p.string(String(RELEASE_TRAIN.major))],
    ['load_before', p.float64(LOAD_TIME.medianBeforeMs)],
    ['load_after', p.float64(LOAD_TIME.medianAfterMs)],
    ['fast_minor', p.int64(LOAD_TIME.fastFromMinor)],
    ['load_sigma', p.float64(LOAD_TIME.sigma)],
    ['android_factor', p.float64(LOAD_TIME.androidFactor)],
    ['desktop_factor', p.float64(LOAD_TIME.desktopFactor)],
    ['warm_factor', p.float64(LOAD_TIME.warmFactor)],
    ['anomaly_day', day(f.anomaly.date)],
    ['anomaly_minor', p.int64(ANOMALY.appVersionMinor)],
    ['anomaly_factor', p.float64(ANOMALY.factor)],
    ['exp_key', p.string(EXPERIMENT.key)],
    ['exp_start', day(f.experiment.start)],
    ['exp_end', day(f.experiment.end)],
    ['exp_lift', p.float64(EXPERIMENT.lift)],
    ['p_wall', p.float64(FUNNEL.videoChat.anchorWall)],
    ['slow_ms', p.float64(FUNNEL.videoChat.slowLaunchMs)],
    ['slow_penalty', p.float64(FUNNEL.videoChat.slowLaunchPenalty)],
    ['caller_share', p.float64(FUNNEL.videoChat.callerShare)],
    ['p_call', p.float64(FUNNEL.videoChat.robotCall)],
    ['p_pay_first', p.float64(FUNNEL.videoChat.payFirst)],
    ['p_pay_ret', p.float64(FUNNEL.videoChat.payReturning)],
    ['p_wall_ret', p.float64(FUNNEL.videoChat.anchorWallReturning)],
    ['p_anon_view', p.float64(FUNNEL.store.anonymousView)],
    ['buyer_share', p.float64(FUNNEL.store.buyerShare)],
    ['p_cart', p.float64(FUNNEL.store.addToCart)],
    ['p_checkout', p.float64(FUNNEL.store.checkout)],
    ['p_store_pay', p.float64(FUNNEL.store.pay)],
    ['p_refund', p.float64(FUNNEL.store.refund)],
    ['p_full_refund', p.float64(FUNNEL.store.fullRefund)],
    ['coin_prices', p.floats(PRODUCTS.video_chat[0].prices)],
    ['coin_cum', p.floats(cumulative(PRODUCTS.video_chat[0].weights))],
    ['vip_prices', p.floats(PRODUCTS.video_chat[1].prices)],
    ['vip_cum', p.floats(cumulative(PRODUCTS.video_chat[1].weights))],
    ['vip_share', p.float64(PRODUCTS.videoChatVipShare)],
    ['chat_lines', p.strings([PRODUCTS.video_chat[0].line, PRODUCTS.video_chat[1].line])],
    ['store_lines', p.strings(PRODUCTS.store.map((l) => l.line))],
    ['store_line_cum', p.floats(cumulative(PRODUCTS.store.map((l) => l.share)))],
    // Three prices per line: index (line − 1) × 3 + k + 1.
    ['store_prices', p.floats(PRODUCTS.store.flatMap((l) => [...l.prices]))],
    ['nps_survey', p.string(NPS.survey)],
    ['nps_show', p.float64(NPS.showRate)],
    ['nps_at', p.int64(NPS.atSession - 1)],
    ['nps_mix_chat', p.floats(cumulative(NPS.mix.video_chat))],
    ['nps_mix_store', p.floats(cumulative(NPS.mix.store))],
    ['nps_comment_rate', p.float64(NPS.commentRate)],
    ['theme_cum_chat', p.floats(cumulative(NPS.themes.map((t) => t.weights[0])))],
    ['theme_cum_store', p.floats(cumulative(NPS.themes.map((t) => t.weights[1])))],
    // Five comments per theme (themes in NPS.themes order, then `positive`).
    ['comments', p.strings([...NPS.themes.map((t) => t.id), 'positive' as const].flatMap((t) => NPS_COMMENTS[t].slice(0, 5)))],
  ];
  return sql`WITH ${sql.join(entries.map(([name, value]) => sql`${value} AS ${sql.trusted(name)}`), ',\n  ')}\n`;
}

/**
 * Cumulative shares normalised to end at exactly 1, with the last bound lifted to 2 so a
 * uniform draw in [0, 1) always finds a bucket (`arrayFirstIndex(x -> x >= u, cum)`).
 */
export function cumulative(weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  const out = weights.map((w) => (acc += w / sum));
  out[out.length - 1] = 2;
  return out;
}
