import { EVENTS, PROPS } from '../../core/events.js';
import { type Metric, type MetricInput, metricSchema, type TREND_MATHS } from './schema.js';

/**
 * The built-in metric catalogue: ready on any project whose events use the documented
 * names (src/core/events.ts). A project may override any key or add its own (metadata
 * table `metrics`). Definitions follow docs/metrics.md and METRICS.md.
 */
const any = '$any';
const t = (zh: string, en: string) => ({ 'zh-CN': zh, 'en-US': en });
const series = (event: string, math: (typeof TREND_MATHS)[number], extra: { property?: string; paidChannelsOnly?: boolean } = {}) => ({ event, math, ...extra });
const trends = (...s: ReturnType<typeof series>[]) => ({ kind: 'trends' as const, series: s });
const formula = (f: string) => ({ kind: 'formula' as const, formula: f });
const count = { unit: 'persons', format: 'number', direction: 'higher_is_better', countingUnit: 'persons' } as const;
const money = { unit: 'currency', format: 'currency', countingUnit: 'currency' } as const;
const rate = { unit: '%', format: 'percent', isRate: true } as const;

const retention = (n: number): MetricInput => ({
  key: `d${n}_retention`,
  name: t(`${n} 日留存率`, `D${n} retention`),
  description: t(
    `新用户（首次出现当天为第 0 天）在第 ${n} 天再次活跃的比例；只计入已满 ${n} 天的同期群`,
    `Share of new persons (day 0 = the day of their first event) active again on day ${n}; only cohorts that have reached day ${n} count`,
  ),
  definition: { kind: 'retention', startEvent: { event: any, filters: [] }, returnEvent: { event: any, filters: [] }, interval: n, type: 'first_time', mode: 'classic' },
  ...rate,
  direction: 'higher_is_better',
  countingUnit: 'persons',
});

const orderPaid = EVENTS.orderPaid;

export const BUILTIN_METRICS: MetricInput[] = [
  { key: 'new_persons', name: t('新增用户', 'New persons'), description: t('首个事件落在本期的用户数', 'Persons whose first event ever falls in the period'), definition: trends(series(any, 'first_time')), ...count, cumulative: true },
  { key: 'active_persons', name: t('活跃用户', 'Active persons'), description: t('本期有任一事件的去重用户数', 'Distinct persons with any event in the period'), definition: trends(series(any, 'unique_persons')), ...count },
  { key: 'dau', name: t('日活 DAU', 'DAU'), description: t('本期各天活跃用户数的平均值（任一事件）', 'Average over the period’s days of persons active that day (any event)'), definition: trends(series(any, 'dau')), ...count },
  { key: 'wau', name: t('周活 WAU', 'WAU'), description: t('本期各天近 7 天活跃用户数的平均值', 'Average over the period’s days of persons active in the trailing 7 days'), definition: trends(series(any, 'wau')), ...count },
  { key: 'mau', name: t('月活 MAU', 'MAU'), description: t('本期各天近 30 天活跃用户数的平均值', 'Average over the period’s days of persons active in the trailing 30 days'), definition: trends(series(any, 'mau')), ...count },
  { key: 'stickiness', name: t('粘性 DAU/MAU', 'Stickiness (DAU/MAU)'), description: t('平均 DAU ÷ 平均 MAU', 'Average DAU / average MAU'), definition: formula('dau / mau'), ...rate, direction: 'higher_is_better', countingUnit: 'persons' },
  retention(1),
  retention(7),
  retention(30),
  {
    key: 'funnel_conversion', name: t('购买漏斗转化率', 'Purchase funnel conversion'),
    description: t('浏览商品 → 加购 → 支付（7 天窗口，按人）：完成最后一步的人数 ÷ 进入第一步的人数', 'product_view → add_to_cart → order_paid within 7 days, by person: n(last) / n(first)'),
    definition: { kind: 'funnel', steps: [{ event: EVENTS.productView, filters: [] }, { event: EVENTS.addToCart, filters: [] }, { event: orderPaid, filters: [] }], window: { value: 7, unit: 'day' }, order: 'ordered' },
    ...rate, direction: 'higher_is_better', countingUnit: 'persons',
  },
  {
    key: 'cart_conversion', name: t('加购-支付转化率', 'Cart-to-paid conversion'),
    description: t('加购后 7 天内支付的人数 ÷ 加购人数', 'Persons paying within 7 days of adding to cart / persons adding to cart'),
    definition: { kind: 'funnel', steps: [{ event: EVENTS.addToCart, filters: [] }, { event: orderPaid, filters: [] }], window: { value: 7, unit: 'day' }, order: 'ordered' },
    ...rate, direction: 'higher_is_better', countingUnit: 'persons',
  },
  {
    key: 'gmv', name: t('GMV（支付，扣除退款）', 'GMV (paid, net of refunds)'),
    description: t('order_paid 的 revenue 之和 − order_refunded 的 refund_amount 之和', 'Sum of order_paid revenue − sum of order_refunded refund_amount'),
    definition: { kind: 'trends', series: [series(orderPaid, 'sum', { property: PROPS.revenue }), series(EVENTS.orderRefunded, 'sum', { property: PROPS.refundAmount })], formula: 'A - B' },
    ...money, direction: 'higher_is_better', cumulative: true,
  },
  { key: 'orders', name: t('订单数', 'Orders'), description: t('order_paid 事件数', 'Number of order_paid events'), definition: trends(series(orderPaid, 'total')), unit: 'orders', format: 'number', direction: 'higher_is_better', countingUnit: 'orders', cumulative: true },
  { key: 'paying_customers', name: t('付费用户数', 'Paying customers'), description: t('本期有 order_paid 的去重用户数', 'Distinct persons with an order_paid in the period'), definition: trends(series(orderPaid, 'unique_persons')), ...count },
  { key: 'aov', name: t('平均订单价值 AOV', 'AOV'), description: t('GMV ÷ 订单数', 'GMV / orders'), definition: formula('gmv / orders'), ...money, direction: 'higher_is_better' },
  { key: 'revenue_per_customer', name: t('客单价', 'Revenue per paying customer (客单价)'), description: t('GMV ÷ 付费用户数（同一用户多次下单时与 AOV 不同）', 'GMV / paying customers (differs from AOV when customers order twice)'), definition: formula('gmv / paying_customers'), ...money, direction: 'higher_is_better' },
  { key: 'arpu', name: t('ARPU', 'ARPU'), description: t('GMV ÷ 活跃用户数', 'GMV / active persons'), definition: formula('gmv / active_persons'), ...money, direction: 'higher_is_better' },
  { key: 'paying_conversion', name: t('付费转化率', 'Paying conversion'), description: t('付费用户数 ÷ 活跃用户数', 'Paying customers / active persons'), definition: formula('paying_customers / active_persons'), ...rate, direction: 'higher_is_better', countingUnit: 'persons' },
  {
    key: 'repurchase_rate', name: t('复购率', 'Repurchase rate'), description: t('本期下单 ≥ 2 次的用户 ÷ 本期下单用户（同日多单分别计）', 'Purchasers with ≥ 2 orders in the period / purchasers (same-day orders count separately)'),
    definition: { kind: 'trends', series: [series(orderPaid, 'repeat_persons'), series(orderPaid, 'unique_persons')], formula: 'A / B' },
    ...rate, direction: 'higher_is_better', countingUnit: 'persons',
  },
  { key: 'spend', name: t('广告消耗', 'Ad spend'), description: t('ad_spend 的 cost 之和', 'Sum of ad_spend cost'), definition: { kind: 'channels', measure: 'spend' }, ...money, direction: 'lower_is_better', cumulative: true },
  { key: 'impressions', name: t('曝光', 'Impressions'), description: t('ad_spend 的曝光之和', 'Sum of ad_spend impressions'), definition: { kind: 'channels', measure: 'impressions' }, unit: 'impressions', format: 'number', direction: 'higher_is_better', countingUnit: 'impressions', cumulative: true },
  { key: 'clicks', name: t('点击', 'Clicks'), description: t('ad_spend 的点击之和', 'Sum of ad_spend clicks'), definition: { kind: 'channels', measure: 'clicks' }, unit: 'clicks', format: 'number', direction: 'higher_is_better', countingUnit: 'clicks', cumulative: true },
  { key: 'ctr', name: t('点击率 CTR', 'CTR'), description: t('点击 ÷ 曝光', 'clicks / impressions'), definition: formula('clicks / impressions'), ...rate, direction: 'higher_is_better', countingUnit: 'clicks' },
  { key: 'cpm', name: t('千次曝光成本 CPM', 'CPM'), description: t('消耗 ÷ 曝光 × 1000', 'spend / impressions × 1000'), definition: formula('spend / impressions * 1000'), ...money, direction: 'lower_is_better' },
  { key: 'cpc', name: t('单次点击成本 CPC', 'CPC'), description: t('消耗 ÷ 点击', 'spend / clicks'), definition: formula('spend / clicks'), ...money, direction: 'lower_is_better' },
  { key: 'paid_signups', name: t('付费渠道注册数', 'Paid sign-ups'), description: t('来自本期有消耗的渠道的 sign_up 事件数', 'sign_up events whose channel had ad spend in the period'), definition: trends(series(EVENTS.signUp, 'total', { paidChannelsOnly: true })), unit: 'persons', format: 'number', direction: 'higher_is_better', countingUnit: 'events', cumulative: true },
  { key: 'cpa', name: t('单次转化成本 CPA（注册）', 'CPA (sign-up)'), description: t('消耗 ÷ 付费渠道注册数', 'spend / paid sign-ups'), definition: formula('spend / paid_signups'), ...money, direction: 'lower_is_better' },
  { key: 'new_customers_paid', name: t('付费渠道新客', 'New customers from paid channels'), description: t('首单落在本期、且首单渠道本期有消耗的用户数', 'Persons whose first order_paid ever falls in the period, from a channel with ad spend'), definition: trends(series(orderPaid, 'first_time', { paidChannelsOnly: true })), ...count, cumulative: true },
  { key: 'cac', name: t('获客成本 CAC（付费）', 'Paid CAC'), description: t('付费渠道消耗 ÷ 付费渠道新客（只含广告消耗）', 'Paid spend / new customers attributed to paid channels (ad spend only)'), definition: formula('spend / new_customers_paid'), ...money, direction: 'lower_is_better' },
  { key: 'revenue_paid', name: t('付费渠道收入', 'Revenue from paid channels'), description: t('渠道本期有消耗的 order_paid revenue 之和', 'order_paid revenue whose channel had ad spend in the period'), definition: trends(series(orderPaid, 'sum', { property: PROPS.revenue, paidChannelsOnly: true })), ...money, direction: 'higher_is_better', cumulative: true },
  { key: 'roas', name: t('广告支出回报 ROAS（支付ROI）', 'ROAS'), description: t('付费渠道收入 ÷ 消耗（显示为 4.0x；国内平台常称“支付ROI”）', 'Paid-channel revenue / spend (shown as 4.0x; Chinese platforms often call it 支付ROI)'), definition: formula('revenue_paid / spend'), unit: 'x', format: 'number', countingUnit: 'currency', direction: 'higher_is_better' },
  {
    key: 'nps', name: t('净推荐值 NPS', 'NPS'), description: t('100 ×（推荐者 9–10 占比 − 贬损者 0–6 占比），附 95% 置信区间', '100 × (share of promoters 9–10 − share of detractors 0–6), with a 95% interval'),
    definition: { kind: 'nps', event: EVENTS.surveyResponse, property: PROPS.score, filters: [] }, unit: 'score', format: 'number', direction: 'higher_is_better', countingUnit: 'responses',
  },
];

/** The catalogue parsed (defaults filled), by key. */
export const BUILTINS: ReadonlyMap<string, Metric> = new Map(BUILTIN_METRICS.map((m) => [m.key, metricSchema.parse(m)]));
