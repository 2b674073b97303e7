import type { Lang } from '../core/lang.js';

/**
 * The built 复盘 report: everything a renderer needs, frozen. Rendering never queries —
 * a published report is this object stored as a snapshot, with the time its data was read.
 * Section order follows PRODUCT.md: 概览, 回顾目标, 评估结果, 分析原因, 总结规律, 行动计划,
 * 上期跟进, 风险, 附录.
 */
export interface Report {
  version: 1;
  projectId: string;
  projectName: string;
  timeZone: string;
  currency: string;
  lang: Lang;
  period: ReportPeriod;
  status: 'draft' | 'published';
  /** When the numbers were read from the engine (ISO instant). */
  dataReadAt: string;
  publishedAt?: string | undefined;
  summary: SummarySection;
  goals: GoalRow[];
  results: ResultsSection;
  causes: CausesSection;
  lessons: Lesson[];
  actions: ActionItem[];
  followUp: FollowUpRow[];
  risks: RisksSection;
  appendix: Definition[];
}

export interface ReportPeriod {
  /** What the user asked for: `2025-W28`, `2025-07`, `2025-Q3`, `2025-07-01..2025-07-20`. */
  label: string;
  kind: 'week' | 'month' | 'quarter' | 'custom';
  fromDate: string;
  toDate: string;
  /** The 环比 and 同比 ranges the comparisons use. */
  previous: { fromDate: string; toDate: string };
  lastYear: { fromDate: string; toDate: string };
}

export type ValueFormat = 'number' | 'integer' | 'percent' | 'currency' | 'ratio' | 'duration' | 'score';

export interface Change {
  previous: number | null;
  absolute: number | null;
  relative: number | null;
  percentagePoints: number | null;
}

export interface MetricResult {
  key: string;
  name: string;
  value: number | null;
  format: ValueFormat;
  isRate: boolean;
  direction: 'higher_is_better' | 'lower_is_better';
  /** 环比 */
  previousPeriod: Change;
  /** 同比 */
  previousYear: Change;
  /** Whether the 环比 change is statistically significant (when a test applies). */
  significant?: boolean | null;
}

export interface SummarySection {
  headline: MetricResult[];
  goalCounts: Record<GoalStatus, number>;
  /** Findings count and the most important one, for the overview. */
  topFindings: Finding[];
}

export type GoalStatus = 'achieved' | 'on_track' | 'at_risk' | 'behind' | 'no_data';

export interface GoalRow {
  id: string;
  metricKey: string;
  metricName: string;
  /**
   * The goal's own period (`2025-07`, `2025-W28`, …): a quarter's report lists the goals of
   * its months and weeks too. Absent in snapshots published before it was added.
   */
  period?: string;
  /** The segment the goal is set on (channel = douyin), or null for the whole project. */
  dimension?: { property: string; value: string } | null;
  format: ValueFormat;
  owner: string | null;
  baseline: number | null;
  target: number;
  actual: number | null;
  /** 达成率 (direction-aware). */
  attainment: number | null;
  /** 时间进度, for cumulative metrics. */
  timeProgress: number | null;
  forecast: number | null;
  status: GoalStatus;
  /** The rule that set the status, in the report's language. */
  statusRule: string;
  grade: number | null;
}

export interface Series {
  name: string;
  points: { x: string; y: number | null }[];
}

export interface TrendChart {
  key: string;
  title: string;
  format: ValueFormat;
  current: Series;
  previous: Series;
}

export interface FunnelBlock {
  title: string;
  steps: { event: string; label: string; count: number; conversionFromPrevious: number | null; conversionFromFirst: number | null; dropOff: number | null }[];
  /** Index of the step with the largest drop from the previous step. */
  biggestDropStep: number | null;
  overall: number | null;
  previousOverall: number | null;
}

export interface RetentionBlock {
  title: string;
  period: 'day' | 'week' | 'month';
  cohorts: { start: string; size: number; values: (number | null)[] }[];
  average: (number | null)[];
}

export interface ChannelRow {
  channel: string;
  spend: number;
  impressions: number;
  clicks: number;
  ctr: number | null;
  cpc: number | null;
  newPersons: number;
  conversions: number;
  cpa: number | null;
  revenue: number;
  roas: number | null;
}

export interface ExperimentRow {
  key: string;
  metric: string;
  variant: string;
  lift: number | null;
  ci: [number | null, number | null];
  pValue: number | null;
  chanceToWin: number | null;
  decision: string;
  srmWarning: boolean;
}

export interface NpsBlock {
  survey: string;
  n: number;
  nps: number;
  ci: [number, number];
  promoters: number;
  passives: number;
  detractors: number;
  themes: { theme: string; count: number }[];
}

export interface ResultsSection {
  metrics: MetricResult[];
  trends: TrendChart[];
  funnel: FunnelBlock | null;
  retention: RetentionBlock | null;
  channels: ChannelRow[];
  experiments: ExperimentRow[];
  nps: NpsBlock | null;
}

/**
 * One computed finding: a sentence in the report's language with its numbers, the
 * comparison basis, the method, and the spec that reproduces it.
 */
export interface Finding {
  kind: 'contribution' | 'mix_rate' | 'adtributor' | 'anomaly' | 'segment_shift' | 'segment_outlier' | 'funnel_drop' | 'goal_gap';
  metricKey: string;
  sentence: string;
  numbers: Record<string, number | string | null>;
  basis: string;
  method: string;
  /** The analysis spec (or SQL) that reproduces the numbers. */
  reproduce: unknown;
}

export interface ReflectionCard {
  id: string;
  category: string;
  problem: string;
  reflection: string;
  improvement: string;
}

export interface CausesSection {
  findings: Finding[];
  /** Set when no change or gap was significant: the report says so instead of inventing causes. */
  nothingSignificant: boolean;
  reflections: ReflectionCard[];
}

export interface Lesson {
  id: string;
  kind: 'keep' | 'change';
  text: string;
}

export interface IceScore {
  impact: number;
  confidence: number;
  ease: number;
  method: 'average' | 'product';
  score: number;
}

export interface ActionItem {
  id: string;
  action: string;
  owner: string | null;
  deadline: string | null;
  metricKey: string | null;
  baseline: number | null;
  target: number | null;
  ice: IceScore | null;
}

export interface FollowUpRow {
  actionId: string;
  action: string;
  owner: string | null;
  metricKey: string | null;
  metricName: string | null;
  format: ValueFormat;
  before: number | null;
  after: number | null;
  target: number | null;
  targetMet: boolean | null;
  significant: boolean | null;
  evidence: string;
}

export interface RisksSection {
  written: { id: string; text: string; owner: string | null }[];
  computed: { kind: 'goal_off_track' | 'data_quality' | 'srm' | 'channel_roas'; text: string }[];
}

export interface Definition {
  key: string;
  name: string;
  formula: string;
  unit: string;
  direction: 'higher_is_better' | 'lower_is_better';
  timeZone: string;
  countingUnit: string;
}
