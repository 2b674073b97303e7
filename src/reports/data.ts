import type { Bilingual } from '../core/lang.js';
import type {
  ChannelRow,
  FunnelBlock,
  GoalStatus,
  NpsBlock,
  ReportPeriod,
  RetentionBlock,
  Series,
  ValueFormat,
} from './model.js';

/**
 * What the report builder reads from the engines, language-neutral: numbers, and any
 * derived text in both languages. A published report stores this (the numbers frozen,
 * with the time they were read) and is composed in either language on demand.
 */
export interface ReportData {
  version: 1;
  projectId: string;
  projectName: string;
  timeZone: string;
  currency: string;
  period: ReportPeriod;
  dataReadAt: string;
  metrics: MetricData[];
  trends: TrendData[];
  goals: GoalData[];
  funnel: (Omit<FunnelBlock, 'title'> & { title: Bilingual }) | null;
  retention: (Omit<RetentionBlock, 'title'> & { title: Bilingual }) | null;
  channels: ChannelRow[];
  experiments: ExperimentData[];
  nps: NpsBlock | null;
  findings: FindingData[];
  /** Why there are no findings, when there are none. */
  findingsNote: Bilingual | null;
  followUp: FollowUpData[];
  warnings: { kind: 'goal_off_track' | 'data_quality' | 'srm' | 'channel_roas'; text: Bilingual }[];
}

export interface MetricData {
  key: string;
  name: Bilingual;
  format: ValueFormat;
  isRate: boolean;
  direction: 'higher_is_better' | 'lower_is_better';
  headline: boolean;
  value: number | null;
  previous: number | null;
  lastYear: number | null;
  /** Numerator / denominator of a ratio metric (for significance and mix-vs-rate). */
  parts?: { current: [number, number] | null; previous: [number, number] | null };
  significant: boolean | null;
  formula: Bilingual;
  unit: string;
  countingUnit: string;
}

export interface TrendData {
  key: string;
  title: Bilingual;
  format: ValueFormat;
  current: Series;
  previous: Series;
}

export interface GoalData {
  id: string;
  metricKey: string;
  metricName: Bilingual;
  format: ValueFormat;
  owner: string | null;
  baseline: number | null;
  target: number;
  actual: number | null;
  attainment: number | null;
  timeProgress: number | null;
  forecast: number | null;
  status: GoalStatus;
  statusRule: Bilingual;
  grade: number | null;
}

export interface ExperimentData {
  key: string;
  metric: string;
  variant: string;
  lift: number | null;
  ci: [number | null, number | null];
  pValue: number | null;
  chanceToWin: number | null;
  decision: Bilingual;
  srmWarning: boolean;
}

export interface FindingData {
  kind: 'contribution' | 'mix_rate' | 'adtributor' | 'anomaly' | 'segment_shift' | 'segment_outlier' | 'funnel_drop' | 'goal_gap';
  metricKey: string;
  sentence: Bilingual;
  numbers: Record<string, number | string | null>;
  basis: Bilingual;
  method: Bilingual;
  reproduce: unknown;
}

export interface FollowUpData {
  actionId: string;
  action: string;
  owner: string | null;
  metricKey: string | null;
  metricName: Bilingual | null;
  format: ValueFormat;
  before: number | null;
  after: number | null;
  target: number | null;
  targetMet: boolean | null;
  significant: boolean | null;
  evidence: Bilingual;
}
