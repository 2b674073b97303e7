/**
 * The documented event and property names. A project whose events use these names gets
 * the built-in metric catalogue, the demo's analyses and the report's defaults without
 * configuration. Anything else still works through explicit specs. See docs/events.md.
 */
export const EVENTS = {
  pageview: '$pageview',
  identify: '$identify',
  createAlias: '$create_alias',
  set: '$set',
  appLaunch: 'app_launch',
  adClick: 'ad_click',
  signUp: 'sign_up',
  /** Video-chat app (seed 000): the anchor wall (主播墙) was shown. */
  anchorWallView: 'anchor_wall_view',
  /** Video-chat app: a robot call (机器人呼叫) rang. */
  robotCall: 'robot_call',
  productView: 'product_view',
  addToCart: 'add_to_cart',
  checkoutStarted: 'checkout_started',
  /** An order was paid: `order_id`, `revenue` (≥ 0, what the customer paid), `currency`. `fupan import orders` writes it. */
  orderPaid: 'order_paid',
  /** Money went back for an order: `order_id`, `refund_amount` (≥ 0), `currency`; several partial refunds may follow one order. */
  orderRefunded: 'order_refunded',
  /** One answer to a survey: `survey` (name, e.g. `nps`), `score` (integer 0–10), optional `comment`. `fupan import surveys` writes it. */
  surveyResponse: 'survey_response',
  experimentExposure: 'experiment_exposure',
} as const;

/** Event properties with a meaning fupan knows; most are materialised as columns. */
export const PROPS = {
  channel: 'channel',
  campaign: 'campaign',
  utmSource: 'utm_source',
  utmMedium: 'utm_medium',
  utmCampaign: 'utm_campaign',
  device: 'device_type',
  os: '$os',
  appVersion: 'app_version',
  region: 'region',
  revenue: 'revenue',
  currency: 'currency',
  orderId: 'order_id',
  refundAmount: 'refund_amount',
  survey: 'survey',
  score: 'score',
  comment: 'comment',
  experiment: 'experiment',
  variant: 'variant',
  /** Which product of the project the event comes from (the demo: video_chat / store). */
  app: 'app',
  city: 'city',
  /** app_launch: time until the first screen rendered (首启时间), and whether it was the first launch. */
  loadMs: 'load_ms',
  firstLaunch: 'first_launch',
  productLine: 'product_line',
  price: 'price',
  signUpMethod: 'method',
  pathname: '$pathname',
  /** $identify: the anonymous id being merged into the identified one. */
  anonDistinctId: '$anon_distinct_id',
} as const;
