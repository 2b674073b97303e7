import type { Bilingual } from '../../core/lang.js';
import type { ImportKind } from './types.js';

/** One field an import kind understands, and the headers that name it by default. */
export interface FieldDef {
  name: string;
  required: boolean;
  /** Header names (compared after `normaliseHeader`) tried in order; the first present wins. */
  aliases: readonly string[];
}

export interface KindDef {
  kind: ImportKind;
  label: Bilingual;
  fields: readonly FieldDef[];
  /**
   * What happens to columns no field claims: `properties` keeps them as event properties
   * (under their header name), `ignore` drops them (listed in the summary).
   */
  extras: 'properties' | 'ignore';
  /** An example `--map` for the error message when columns are missing. */
  mapExample: string;
}

const f = (name: string, required: boolean, aliases: readonly string[] = []): FieldDef => ({ name, required, aliases: [name, ...aliases] });

const DISTINCT_ID = ['distinctid', 'user_id', 'userid', 'uid', 'user', 'customer_id', '用户id', '用户', '用户编号', '会员id', '买家id'];

export const KINDS: Record<ImportKind, KindDef> = {
  events: {
    kind: 'events',
    label: { 'en-US': 'events', 'zh-CN': '事件' },
    fields: [
      f('event', true, ['event_name', 'eventname', '事件', '事件名', '事件名称']),
      f('distinct_id', true, DISTINCT_ID),
      f('timestamp', true, ['time', 'event_time', 'eventtime', 'created_at', '时间', '事件时间', '发生时间']),
      f('uuid', false, ['event_id', 'eventid', '$insert_id', 'insert_id', '事件id']),
      f('properties', false),
    ],
    extras: 'properties',
    mapExample: 'event=事件,distinct_id=用户ID,timestamp=时间',
  },
  spend: {
    kind: 'spend',
    label: { 'en-US': 'ad spend', 'zh-CN': '广告花费' },
    fields: [
      f('date', true, ['day', 'stat_date', 'report_date', 'reporting_starts', '日期', '时间', '统计日期', '投放日期']),
      f('channel', true, ['source', 'media', 'platform', 'network', 'utm_source', '渠道', '媒体', '平台', '投放渠道', '渠道名称']),
      f('campaign', false, ['campaign_name', 'campaignname', 'ad_campaign', 'utm_campaign', '计划', '广告计划', '计划名称', '推广计划', '广告系列', '广告组']),
      f('impressions', false, ['impression', 'impr', 'imps', 'views', '展现', '展现量', '展现数', '曝光', '曝光量', '曝光数', '展示', '展示量', '展示数']),
      f('clicks', false, ['click', 'link_clicks', '点击', '点击量', '点击数', '点击次数']),
      f('cost', true, ['spend', 'amount_spent', 'spent', 'costs', '消耗', '花费', '消费', '费用', '成本', '总花费', '总消耗', '消耗金额', '花费金额']),
      f('currency', false, ['currency_code', '币种', '货币', '币别']),
    ],
    extras: 'ignore',
    mapExample: 'date=日期,channel=渠道,cost=消耗',
  },
  orders: {
    kind: 'orders',
    label: { 'en-US': 'orders', 'zh-CN': '订单' },
    fields: [
      f('order_id', true, ['orderid', 'order_no', 'order_number', 'ordernumber', 'order', 'id', '订单号', '订单编号', '订单id']),
      f('distinct_id', true, DISTINCT_ID),
      f('timestamp', true, ['paid_at', 'pay_time', 'payment_time', 'time', 'created_at', 'order_time', 'date', '支付时间', '付款时间', '下单时间', '时间', '日期', '创建时间']),
      f('revenue', true, ['amount', 'total', 'order_amount', 'paid_amount', 'price', '金额', '实付金额', '实付款', '支付金额', '订单金额', '实收金额', '付款金额']),
      f('currency', false, ['currency_code', '币种', '货币']),
      f('status', false, ['type', 'order_status', 'state', '状态', '订单状态', '类型', '交易状态']),
      f('refund_amount', false, ['refund', 'refunded_amount', '退款金额', '退款']),
    ],
    extras: 'properties',
    mapExample: 'order_id=订单号,distinct_id=用户ID,timestamp=支付时间,revenue=实付金额',
  },
  surveys: {
    kind: 'surveys',
    label: { 'en-US': 'survey responses', 'zh-CN': '问卷回答' },
    fields: [
      f('survey', false, ['survey_name', 'survey_id', 'questionnaire', '问卷', '问卷名称', '调查', '调研']),
      f('distinct_id', true, DISTINCT_ID),
      f('timestamp', true, ['submitted_at', 'time', 'created_at', 'date', '提交时间', '答题时间', '时间', '日期']),
      f('score', true, ['nps', 'rating', 'nps_score', '评分', '分数', '得分', '推荐度', '打分', '推荐意愿']),
      f('comment', false, ['comments', 'feedback', 'text', 'reason', '评论', '意见', '反馈', '建议', '备注', '原因', '留言']),
    ],
    extras: 'properties',
    mapExample: 'distinct_id=用户ID,timestamp=提交时间,score=评分',
  },
};

/**
 * Header comparison key: case-insensitive, full-width → ASCII, spaces / `-` / `.` → `_`,
 * a trailing unit in brackets dropped ("消耗(元)", "Cost (USD)" → "消耗", "cost").
 * `properties.x` and `$set.x` keep their dot.
 */
export function normaliseHeader(h: string): string {
  let s = h.normalize('NFKC').trim().toLowerCase();
  s = s.replace(/\s*[([（【][^)\]）】]*[)\]）】]\s*$/, '');
  if (/^(properties|\$set|\$set_once)\./.test(s)) return s;
  return s.replace(/[\s\-.]+/g, '_');
}
