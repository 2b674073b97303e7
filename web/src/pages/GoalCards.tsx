import { Card, Col, Progress, Row, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { get } from '../api.js';
import { EmptyState, ErrorState, Loading } from '../components/States.js';
import { useLoad } from '../components/useLoad.js';
import { fmtNumber, fmtPercent } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { Link } from '../router.js';
import { useProject } from '../session.js';
import { MetricInfo } from './Metrics.js';

export type PeriodKind = 'week' | 'month' | 'quarter' | 'custom';

/** The period as the goals and reports APIs name it: 2025-W28, 2025-07, 2025-Q3, 2025-07-01..2025-07-20. */
export function periodLabel(kind: PeriodKind, custom: { from: string; to: string }, now = dayjs()): string {
  if (kind === 'custom') return `${custom.from}..${custom.to}`;
  if (kind === 'month') return now.format('YYYY-MM');
  if (kind === 'quarter') return `${now.year()}-Q${Math.floor(now.month() / 3) + 1}`;
  // ISO week: the Thursday of this week decides the year.
  const d = new Date(Date.UTC(now.year(), now.month(), now.date()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((d.getTime() - yearStart.getTime()) / 86400000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export interface GoalStatusRow {
  id: string;
  metricName: string;
  metricKey: string;
  target: number;
  actual: number | null;
  attainment: number | null;
  timeProgress: number | null;
  status: 'achieved' | 'on_track' | 'at_risk' | 'behind';
  statusRule?: string;
  format?: string;
  /** The metric's definition in words (zh / en) and its description, shown with the number. */
  formula?: Bi;
  description?: Bi;
}

type Bi = string | { 'zh-CN': string; 'en-US': string };
export const pick = (v: Bi | undefined | null, lang: 'zh-CN' | 'en-US'): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : v[lang] ?? '');

/** The goals API's status report (src/goals/status.ts) in the flat shape the cards show. */
interface StatusReport {
  goal: { id: string; metric: string; title?: string };
  metric?: { key: string; name: Bi; format?: string; description?: Bi };
  formula?: { 'zh-CN': string; 'en-US': string };
  assessment: { actual: number | null; target: number; attainment: number | null; timeProgress: number | null; status: GoalStatusRow['status'] | null; rule?: { 'zh-CN': string; 'en-US': string } };
}

export function toRow(r: StatusReport | GoalStatusRow, lang: 'zh-CN' | 'en-US'): GoalStatusRow {
  if (!('assessment' in r)) return r;
  const a = r.assessment;
  return {
    id: r.goal.id,
    metricKey: r.goal.metric,
    metricName: r.goal.title || pick(r.metric?.name, lang) || r.goal.metric,
    target: a.target,
    actual: a.actual,
    attainment: a.attainment,
    timeProgress: a.timeProgress,
    status: a.status ?? 'on_track',
    statusRule: pick(a.rule, lang),
    format: r.metric?.format,
    ...(r.formula ? { formula: r.formula } : {}),
    ...(r.metric?.description ? { description: r.metric.description } : {}),
  };
}

export function useGoalStatus(projectId: string, period: string) {
  const { lang } = useI18n();
  return useLoad(
    (signal) => get<{ goals: (StatusReport | GoalStatusRow)[] }>(`/api/projects/${projectId}/goals/status?period=${encodeURIComponent(period)}`, { signal }).then((r) => ({ goals: r.goals.map((g) => toRow(g, lang)) })),
    [projectId, period, lang],
  );
}

const COLORS = { achieved: 'green', on_track: 'blue', at_risk: 'orange', behind: 'red' } as const;

export function fmtValue(v: number | null, format: string | undefined, lang: 'zh-CN' | 'en-US'): string {
  return format === 'percent' ? fmtPercent(v, lang) : fmtNumber(v, lang, 2);
}

export function GoalCards({ period }: { period: string }) {
  const { t, lang } = useI18n();
  const { project } = useProject();
  const goals = useGoalStatus(project.id, period);
  if (goals.loading) return <Loading />;
  if (goals.error) return <ErrorState error={goals.error} onRetry={goals.reload} api="GET /api/projects/:id/goals/status" />;
  const rows = goals.data?.goals ?? [];
  if (!rows.length) return <Card size="small"><EmptyState text={t('dash.goals.empty')} action={<Link to={`/p/${project.id}/goals`}>{t('goals.add')}</Link>} /></Card>;
  return (
    <Row gutter={[16, 16]}>
      {rows.map((g) => (
        <Col xs={24} sm={12} lg={6} key={g.id}>
          <Card size="small" data-testid="goal-card">
            <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
              <span style={{ display: 'flex', alignItems: 'center', gap: 2, minWidth: 0 }}>
                <Typography.Text strong ellipsis>{g.metricName}</Typography.Text>
                <MetricInfo name={g.metricName} metricKey={g.metricKey} formula={g.formula} description={g.description} />
              </span>
              <Tag color={COLORS[g.status]} title={g.statusRule}>{t(`goal.${g.status}`)}</Tag>
            </div>
            <div style={{ fontSize: 22, fontWeight: 600, margin: '4px 0' }}>{fmtValue(g.actual, g.format, lang)}</div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('dash.target')} {fmtValue(g.target, g.format, lang)}</Typography.Text>
            <div style={{ fontSize: 12, marginTop: 6 }}>{t('dash.attainment')}</div>
            <Progress percent={Math.round((g.attainment ?? 0) * 100)} format={(p) => `${p}%`} size="small" status={g.status === "behind" ? "exception" : undefined} />
            {g.timeProgress !== null && (
              <>
                <div style={{ fontSize: 12 }}>{t('dash.timeElapsed')}</div>
                <Progress percent={Math.round(g.timeProgress * 100)} size="small" strokeColor="#bbb" />
              </>
            )}
          </Card>
        </Col>
      ))}
    </Row>
  );
}
