/**
 * The demo's story: every number the generator plants, in one place, so that tests of
 * later analyses (funnels, channels, experiments, NPS, anomaly and contribution finders,
 * the 复盘 report) can import them and check that they find what was planted.
 *
 * Dates are relative to "today" (a calendar date in the demo's time zone): call
 * `plantedFacts(today)` for the concrete dates and versions. The generator reads the same
 * constants, so a change here changes the data and the facts together.
 *
 * Two products share one project and the same ad channels (property `app`):
 * - `video_chat` — the PWA video-chat app of seed 000:
 *   ad_click → sign_up → anchor_wall_view (主播墙) → robot_call (机器人呼叫) → order_paid;
 * - `store` — the smart-device e-commerce store of seeds 001 / 004:
 *   ad_click → $pageview → sign_up (注册领券) → product_view → add_to_cart →
 *   checkout_started → order_paid, with repeat purchases and order_refunded.
 */

/** The demo project. */
export const DEMO_PROJECT = {
  id: 'demo',
  name: '复盘演示 Demo',
  timeZone: 'Asia/Shanghai',
  /** Asia/Shanghai has no daylight-saving time: local = UTC + 8 h all year. */
  utcOffsetHours: 8,
  currency: 'CNY',
  weekStart: 'monday',
} as const;

/** Size and span. */
export const SCALE = {
  /** Default number of events (about; the actual count is in the summary). */
  defaultEvents: 1_500_000,
  /** Days of data ending today (today included). */
  days: 180,
  /** Persons acquired this many days before the window still come back inside it. */
  warmupDays: 90,
  /**
   * Average events per person, measured on the default story: persons = events / this.
   * (100 M events → 2.5 M persons, near the analyses benchmark's 100 M / 2 M.)
   */
  eventsPerPerson: 40,
  /** Default seed. */
  seed: 20240701,
} as const;

export const APPS = ['video_chat', 'store'] as const;
export type DemoApp = (typeof APPS)[number];
/** Share of new persons who come for the video-chat app (the rest for the store). */
export const VIDEO_CHAT_SHARE = 0.62;

/**
 * Acquisition channels. `organic` has no ad_click and no spend. The channel (and campaign)
 * is registered as a super-property: it is on every event of the person (渠道号), so the
 * materialised `channel` column answers channel questions without a join.
 */
export const CHANNELS = [
  // share of new persons; CTR and CPC (CNY) of platform clicks; payer multiplier
  { id: 'douyin', share: 0.26, ctr: 0.005, cpc: 14, payMult: 1.0, campaignPrefix: 'dy' },
  { id: 'kuaishou', share: 0.22, ctr: 0.012, cpc: 6, payMult: 0.12, campaignPrefix: 'ks' },
  { id: 'wechat', share: 0.16, ctr: 0.004, cpc: 15, payMult: 1.15, campaignPrefix: 'wx' },
  { id: 'baidu', share: 0.11, ctr: 0.006, cpc: 13, payMult: 0.95, campaignPrefix: 'bd' },
  { id: 'xiaohongshu', share: 0.13, ctr: 0.0045, cpc: 14.5, payMult: 1.1, campaignPrefix: 'xhs' },
  { id: 'organic', share: 0.12, ctr: 0, cpc: 0, payMult: 1.05, campaignPrefix: '' },
] as const;
export type ChannelId = (typeof CHANNELS)[number]['id'];
export const PAID_CHANNELS = CHANNELS.filter((c) => c.id !== 'organic').map((c) => c.id);

/** Two campaigns per paid channel and app: `<prefix>_<chat|shop>_<theme>`. */
export const CAMPAIGN_THEMES = { video_chat: ['anchor', 'match'], store: ['watch', 'sale'] } as const;
export function campaignName(channel: ChannelId, app: DemoApp, k: 0 | 1): string {
  const c = CHANNELS.find((x) => x.id === channel)!;
  if (!c.campaignPrefix) return '';
  return `${c.campaignPrefix}_${app === 'video_chat' ? 'chat' : 'shop'}_${CAMPAIGN_THEMES[app][k]}`;
}

/**
 * The ROAS story: kuaishou brings a quarter of the clicks at a low CPC, but its visitors
 * rarely pay (payer probability × 0.12), so its ROAS is clearly below 1; every other paid
 * channel is above 1. ROAS = order_paid revenue of the channel's persons / ad_spend cost.
 */
export const LOW_ROAS = { channel: 'kuaishou' as ChannelId, roasBelow: 1, othersAbove: 1 } as const;

/**
 * Ad-platform clicks are three times the landed, tracked `ad_click` events (a third of the
 * clicks load the H5 page and pass the authorisation step: 着陆率 33 %). Cost = platform
 * clicks × CPC (± 15 %), impressions = platform clicks / CTR (± 10 %).
 */
export const SPEND = { clickOverLanding: 3, costNoise: 0.15, currency: 'CNY' } as const;

/**
 * Funnel probabilities (per step, conditional on the previous step).
 * Seed 000: "广告点击到用户完成注册…流失率接近40%", "主播墙到机器人呼叫流失率接近40%".
 */
export const FUNNEL = {
  /** ad_click → sign_up, both apps (≈ 40 % loss). */
  signUp: 0.6,
  videoChat: {
    /** sign_up → anchor_wall_view on the first session (easy step). */
    anchorWall: 0.9,
    /** A first launch slower than this loses 30 % of the anchor-wall views. */
    slowLaunchMs: 6000,
    slowLaunchPenalty: 0.7,
    /**
     * Share of persons who ever call: the others look at the anchor wall and leave. With
     * the per-session probability below, anchor_wall_view → robot_call loses ≈ 42 % on the
     * first session and ≈ 36 % per person over a 14-day window.
     */
    callerShare: 0.64,
    /** Per-session robot_call probability of a caller, times their propensity (mean 1). */
    robotCall: 0.9,
    /** robot_call → order_paid on the first session, and on later sessions. */
    payFirst: 0.16,
    payReturning: 0.035,
    /** Returning sessions: anchor-wall view probability. */
    anchorWallReturning: 0.92,
  },
  store: {
    /** Unregistered visitors who still look at one product. */
    anonymousView: 0.5,
    /** Share of signed-up store persons who ever buy (the others only browse). */
    buyerShare: 0.5,
    /** A buyer's per-session chance of product_view → add_to_cart. */
    addToCart: 0.22,
    /** add_to_cart → checkout_started. */
    checkout: 0.62,
    /** checkout_started → order_paid. */
    pay: 0.7,
    /** Share of paid orders later refunded (order_refunded, 1–10 days later). */
    refund: 0.07,
    /** Share of refunds that are full (the rest refund half). */
    fullRefund: 0.75,
  },
} as const;

/** Identity: pre-signup events carry an anonymous distinct id (`anon_<hex>`). */
export const IDENTITY = {
  /**
   * Share of signed-up persons whose pre-signup events were written under a separate
   * person id and merged later through `person_overrides` (like a late merge).
   */
  lateMergeShare: 0.15,
  anonPrefix: 'anon_',
  userPrefix: 'u',
} as const;

/** Returning activity (persons who signed up come back). */
export const RETENTION = {
  /** Per-session churn probability (divided by the person's engagement). */
  churn: { video_chat: 0.012, store: 0.03 },
  /** Mean gap in days between sessions (divided by the person's engagement). */
  meanGapDays: { video_chat: 1.1, store: 3.5 },
  maxSessions: 160,
} as const;

/**
 * Weekday seasonality, Monday first: new persons per day and the chance a returning
 * session happens on that weekday. Weekends are busier (a video-chat app).
 */
export const WEEKDAY = {
  acquisition: [0.92, 0.9, 0.95, 0.98, 1.08, 1.3, 1.25],
  session: [0.82, 0.8, 0.84, 0.86, 0.92, 1.0, 0.98],
} as const;

/** New persons per day grow linearly by this much over the window (plus ±8 % noise). */
export const GROWTH = { overWindow: 0.35, dailyNoise: 0.08 } as const;

/** Hour-of-day weights (local time), 0 h first: evening peak. */
export const HOURS = [3, 2, 1.2, 0.7, 0.5, 0.5, 0.8, 1.5, 2.5, 3.2, 3.6, 3.8, 4.5, 4.2, 3.8, 3.8, 4, 4.6, 5.2, 6, 7, 7.6, 6.8, 4.8] as const;

/**
 * The PWA release train (班车): a new version every 14 days, on Mondays; the latest
 * shipped on last week's Monday. Versions are `2.<n>.0`. Returning users adopt a new
 * version after an exponential lag (mean 2.5 days, at most 13); new users get the latest.
 */
export const RELEASE_TRAIN = {
  everyDays: 14,
  major: 2,
  /** Minor number of the release shipped on last week's Monday (the anomaly's version). */
  latestMinor: 20,
  meanAdoptionLagDays: 2.5,
} as const;

/**
 * First-launch time (`load_ms` on app_launch, 首启时间): log-normal. Version 2.18.0 (the
 * 首启优化 release) cut the median from 3400 ms to 2300 ms; Android × 1.25, desktop × 0.7;
 * warm launches (not first) × 0.45.
 */
export const LOAD_TIME = {
  medianBeforeMs: 3400,
  medianAfterMs: 2300,
  fastFromMinor: 18,
  sigma: 0.45,
  androidFactor: 1.25,
  desktopFactor: 0.7,
  warmFactor: 0.45,
} as const;

/**
 * THE PLANTED ANOMALY: on one day, app version 2.20.0 (released two days earlier) breaks
 * robot_call: the anchor_wall_view → robot_call conversion of that version falls to
 * 10 % of normal (≈ 60 % → ≈ 6 %). Other versions and other days are normal.
 * The day is the Wednesday of the last complete week (Monday-start) before today.
 */
export const ANOMALY = {
  event: 'robot_call',
  fromEvent: 'anchor_wall_view',
  appVersionMinor: RELEASE_TRAIN.latestMinor,
  /** Days after the Monday of last complete week (2 = Wednesday). */
  dayOfLastWeek: 2,
  /** robot_call probability multiplier on that day for that version. */
  factor: 0.1,
} as const;

/**
 * THE PLANTED SHIFT: from the Monday of the last complete week onward, xiaohongshu's
 * ad_click → sign_up conversion drops from 60 % to 36 % (× 0.6) in both apps (a broken
 * authorisation step on its landing page). Other channels are unchanged.
 */
export const SHIFT = {
  channel: 'xiaohongshu' as ChannelId,
  event: 'sign_up',
  fromEvent: 'ad_click',
  factor: 0.6,
  before: FUNNEL.signUp,
  after: FUNNEL.signUp * 0.6,
} as const;

/**
 * THE A/B EXPERIMENT `one_click_match` (一键速配) in the video-chat app: returning
 * signed-up users are exposed at their first session in the four weeks that end on the
 * Sunday before today's week (experiment_exposure, property experiment / variant,
 * control / treatment 50/50). In treatment, every session from exposure to the end has
 * robot_call probability + 6 pp (absolute, for callers and non-callers alike); on the
 * exposure session that is ≈ +5.5 pp of persons (× the anchor-wall step, 0.92), from a
 * control rate of ≈ 0.92 × 0.64 × 0.90 ≈ 53 %. Goal: robot_call.
 * Pre-period for CUPED: the 14 days before the start (same persons' robot_call counts,
 * correlated with the post period through each person's engagement and propensity).
 */
export const EXPERIMENT = {
  key: 'one_click_match',
  variants: ['control', 'treatment'] as const,
  weights: [0.5, 0.5] as const,
  goalEvent: 'robot_call',
  /** Absolute lift of the per-session robot_call probability in treatment. */
  lift: 0.06,
  /** Expected lift of same-session conversion (exposure → robot_call): lift × anchor-wall step. */
  expectedSessionConversionLift: 0.06 * 0.92,
  weeks: 4,
  prePeriodDays: 14,
} as const;

/**
 * The NPS survey (survey `nps`, score 0–10): shown once, at a person's second returning
 * session, to 30 % of them. Store customers are happier than video-chat users.
 * Expected NPS: store ≈ 55 − 15 = 40, video chat ≈ 38 − 30 = 8.
 */
export const NPS = {
  survey: 'nps',
  showRate: 0.3,
  atSession: 3,
  /** [promoters, passives, detractors] shares per app. */
  mix: { video_chat: [0.38, 0.32, 0.3], store: [0.55, 0.3, 0.15] },
  commentRate: 0.65,
  /** Detractor / passive comment themes and their weights per app (video chat, store). */
  themes: [
    { id: 'lag', zh: '卡顿', weights: [0.35, 0.2] },
    { id: 'price', zh: '价格', weights: [0.2, 0.4] },
    { id: 'support', zh: '客服', weights: [0.15, 0.3] },
    { id: 'host_quality', zh: '主播质量', weights: [0.3, 0.1] },
  ],
} as const;

/** Comment texts per theme; detractors and passives pick a theme, promoters `positive`. */
export const NPS_COMMENTS: Record<'lag' | 'price' | 'support' | 'host_quality' | 'positive', readonly string[]> = {
  lag: ['打开太慢了，经常卡顿', '视频通话一直卡顿，体验很差', '首页加载要好几秒，卡顿严重', '弹窗很多，页面卡顿', '网络一般就卡，画面卡顿掉线'],
  price: ['价格太贵了，充值不划算', '金币价格偏高，性价比低', '价格比别家贵，优惠太少', '运费和价格都不便宜', '会员价格太高了'],
  support: ['客服回复太慢，问题没解决', '找不到人工客服', '客服态度一般，退款很麻烦', '客服响应要等好久', '售后客服一直推脱'],
  host_quality: ['主播质量参差不齐', '主播回复慢，聊不起来', '机器人呼叫太多，主播质量一般', '主播墙上的人都不在线', '主播质量不如宣传'],
  positive: ['很好用，推荐给朋友了', '界面清爽，用起来顺手', '上手简单，很喜欢', '一键速配很方便', '体验很好，会继续用', '物超所值'],
};

/** Devices: [device_type, share, [os, share of first os], second os]. */
export const DEVICES = [
  { type: 'mobile', share: 0.8, os: ['iOS', 'Android'], firstOsShare: 0.42 },
  { type: 'desktop', share: 0.14, os: ['Windows', 'macOS'], firstOsShare: 0.8 },
  { type: 'tablet', share: 0.06, os: ['iPadOS', 'Android'], firstOsShare: 0.6 },
] as const;

/** Regions (`region` = province) and two cities each (`city`; the first gets 60 %). */
export const REGIONS = [
  { region: '广东', share: 0.15, cities: ['深圳', '广州'] },
  { region: '浙江', share: 0.09, cities: ['杭州', '宁波'] },
  { region: '江苏', share: 0.09, cities: ['南京', '苏州'] },
  { region: '山东', share: 0.07, cities: ['济南', '青岛'] },
  { region: '北京', share: 0.06, cities: ['北京', '北京'] },
  { region: '上海', share: 0.06, cities: ['上海', '上海'] },
  { region: '四川', share: 0.06, cities: ['成都', '绵阳'] },
  { region: '河南', share: 0.06, cities: ['郑州', '洛阳'] },
  { region: '湖北', share: 0.05, cities: ['武汉', '宜昌'] },
  { region: '福建', share: 0.05, cities: ['厦门', '福州'] },
  { region: '湖南', share: 0.04, cities: ['长沙', '株洲'] },
  { region: '河北', share: 0.04, cities: ['石家庄', '保定'] },
  { region: '安徽', share: 0.04, cities: ['合肥', '芜湖'] },
  { region: '陕西', share: 0.03, cities: ['西安', '咸阳'] },
  { region: '重庆', share: 0.03, cities: ['重庆', '重庆'] },
  { region: '辽宁', share: 0.03, cities: ['沈阳', '大连'] },
  { region: '广西', share: 0.02, cities: ['南宁', '桂林'] },
  { region: '云南', share: 0.03, cities: ['昆明', '大理'] },
] as const;

/** What people buy. Video chat: coin packs and VIP; store: smart devices (seed 001). */
export const PRODUCTS = {
  video_chat: [
    { line: '金币', prices: [6, 30, 68, 128, 328, 648], weights: [0.28, 0.3, 0.2, 0.12, 0.07, 0.03] },
    { line: '会员', prices: [30, 88, 198], weights: [0.6, 0.3, 0.1] },
  ],
  /** Share of video-chat orders that are VIP (the rest coins). */
  videoChatVipShare: 0.25,
  store: [
    { line: '智能手表', share: 0.2, prices: [899, 1299, 1999] },
    { line: '蓝牙耳机', share: 0.25, prices: [199, 399, 699] },
    { line: '智能音箱', share: 0.15, prices: [149, 299, 499] },
    { line: '智能手环', share: 0.15, prices: [169, 249, 329] },
    { line: '配件', share: 0.25, prices: [29, 59, 99] },
  ],
} as const;

// ---------------------------------------------------------------------------------------
// Dates relative to today.

/** `YYYY-MM-DD` plus n days. */
export function addDays(date: string, n: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** ISO weekday, Monday = 1 … Sunday = 7. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

/** The calendar date of an instant in the demo's time zone. */
export function localDate(now: Date): string {
  return new Date(now.getTime() + DEMO_PROJECT.utcOffsetHours * 3_600_000).toISOString().slice(0, 10);
}

/** The UTC instant of local midnight starting `date`. */
export function localMidnightUtcMs(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - DEMO_PROJECT.utcOffsetHours * 3_600_000;
}

export function versionName(minor: number): string {
  return `${RELEASE_TRAIN.major}.${minor}.0`;
}

/** Every planted fact with concrete dates, for a given today (local date). */
export interface PlantedFacts {
  today: string;
  /** First day of data (today − days + 1). */
  firstDay: string;
  /** Monday of the last complete week and its Sunday. */
  lastWeek: { from: string; to: string };
  anomaly: { date: string; appVersion: string; event: string; fromEvent: string; factor: number };
  shift: { channel: ChannelId; from: string; event: string; fromEvent: string; before: number; after: number };
  experiment: {
    key: string;
    start: string;
    end: string;
    preStart: string;
    preEnd: string;
    goalEvent: string;
    lift: number;
    expectedSessionConversionLift: number;
  };
  lowRoasChannel: ChannelId;
  releases: { version: string; date: string }[];
  loadTimeImprovedIn: string;
}

/**
 * @example plantedFacts('2025-07-16').anomaly // { date: '2025-07-09', appVersion: '2.20.0', … }
 */
export function plantedFacts(today: string, days: number = SCALE.days): PlantedFacts {
  const monday = mondayOf(today);
  const lastMonday = addDays(monday, -7);
  const firstDay = addDays(today, 1 - days);
  const expStart = addDays(monday, -7 * EXPERIMENT.weeks);
  const releases: { version: string; date: string }[] = [];
  for (let k = 0; ; k++) {
    const date = addDays(lastMonday, -RELEASE_TRAIN.everyDays * k);
    const minor = RELEASE_TRAIN.latestMinor - k;
    releases.unshift({ version: versionName(minor), date });
    if (date < firstDay || minor === 0) break;
  }
  return {
    today,
    firstDay,
    lastWeek: { from: lastMonday, to: addDays(monday, -1) },
    anomaly: {
      date: addDays(lastMonday, ANOMALY.dayOfLastWeek),
      appVersion: versionName(ANOMALY.appVersionMinor),
      event: ANOMALY.event,
      fromEvent: ANOMALY.fromEvent,
      factor: ANOMALY.factor,
    },
    shift: {
      channel: SHIFT.channel,
      from: lastMonday,
      event: SHIFT.event,
      fromEvent: SHIFT.fromEvent,
      before: SHIFT.before,
      after: SHIFT.after,
    },
    experiment: {
      key: EXPERIMENT.key,
      start: expStart,
      end: addDays(monday, -1),
      preStart: addDays(expStart, -EXPERIMENT.prePeriodDays),
      preEnd: addDays(expStart, -1),
      goalEvent: EXPERIMENT.goalEvent,
      lift: EXPERIMENT.lift,
      expectedSessionConversionLift: EXPERIMENT.expectedSessionConversionLift,
    },
    lowRoasChannel: LOW_ROAS.channel,
    releases,
    loadTimeImprovedIn: versionName(LOAD_TIME.fastFromMinor),
  };
}
