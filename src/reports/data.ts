import type { Bilingual } from '../core/lang.js';
import type {
  ChannelRow,
  ExperimentRow,
  Finding,
  FollowUpRow,
  FunnelBlock,
  GoalRow,
  NpsBlock,
  ReportPeriod,
  RetentionBlock,
  TrendChart,
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
  funnel: WithBilingual<FunnelBlock, 'title'> | null;
  retention: WithBilingual<RetentionBlock, 'title'> | null;
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

/**
 * A report model type whose text fields are held in both languages: the data is
 * language-neutral, and `compose` picks one language per field.
 */
type WithBilingual<T, K extends keyof T> = Omit<T, K> & { [P in K]: null extends T[P] ? Bilingual | null : Bilingual };

export type TrendData = WithBilingual<TrendChart, 'title'>;
export type GoalData = WithBilingual<GoalRow, 'metricName' | 'statusRule'>;
export type ExperimentData = WithBilingual<ExperimentRow, 'decision'>;
export type FindingData = WithBilingual<Finding, 'sentence' | 'basis' | 'method'>;
export type FollowUpData = WithBilingual<FollowUpRow, 'metricName' | 'evidence'>;
