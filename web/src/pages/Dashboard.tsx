import { ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons';
import { Card, Col, DatePicker, Row, Segmented, Space, Statistic, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { get, post } from '../api.js';
import { Chart } from '../components/Chart.js';
import { PageHeader } from '../components/PageHeader.js';
import { EmptyState, ErrorState, Loading } from '../components/States.js';
import { useLoad } from '../components/useLoad.js';
import { fmtChange, fmtDuration, fmtNumber, fmtPercent } from '../format.js';
import { useI18n, type MessageKey } from '../i18n/index.js';
import { Link } from '../router.js';
import { useProject } from '../session.js';
import type { DateRange } from '../types.js';
import { trendsOption, type TrendsResult } from './analyses/Trends.js';
import { GoalCards, periodLabel, type PeriodKind } from './GoalCards.js';
import { MetricInfo, useDictionary } from './Metrics.js';
import { PinnedInsights } from './PinnedInsights.js';

const ACTIVITY = ['app_launch', '$pageview'];

/**
 * The key metrics when the project has no report metric list (`settings.report.metrics`):
 * built-in keys that have a value for any project with events, then the shop ones (GMV,
 * orders, paying conversion) — those without data are left out by the server's answer.
 */
export const DEFAULT_KEY_METRICS = ['active_persons', 'new_persons', 'dau', 'gmv', 'orders', 'paying_conversion', 'aov', 'arpu'];
const MAX_CARDS = 8;

/** The trend chart under the cards: daily active persons of the project's activity event. */
function activitySeries(events: string[]): { event: string; math: string; label: MessageKey } | null {
  const activity = ACTIVITY.find((e) => events.includes(e)) ?? events[0];
  return activity ? { event: activity, math: 'dau', label: 'dash.dau' } : null;
}

interface MetricValue {
  key: string;
  name: { 'zh-CN': string; 'en-US': string };
  format: string;
  unit: string;
  direction: 'higher_is_better' | 'lower_is_better';
  isRate: boolean;
  formula: { 'zh-CN': string; 'en-US': string };
  value: number | null;
  compare: Partial<Record<'previous_period' | 'previous_year', { value: number | null; absolute: number | null; relative: number | null }>>;
  error?: { code: string; message: string };
}

export function Dashboard() {
  const { t, lang } = useI18n();
  const { project } = useProject();
  const [kind, setKind] = useState<PeriodKind>('month');
  const [custom, setCustom] = useState<{ from: string; to: string }>({ from: dayjs().subtract(13, 'day').format('YYYY-MM-DD'), to: dayjs().format('YYYY-MM-DD') });
  const range: DateRange = kind === 'custom' ? custom : `this_${kind}`;
  const period = periodLabel(kind, custom);

  const events = useLoad((signal) => get<{ events: { event: string }[] }>(`/api/projects/${project.id}/schema/events`, { signal }).then((r) => r.events.map((e) => e.event)), [project.id]);
  const activity = useMemo(() => activitySeries(events.data ?? []), [events.data]);
  const dictionary = useDictionary(project.id);
  const keys = useMemo(() => {
    if (!dictionary.data) return [];
    const known = new Set(dictionary.data.metrics.map((m) => m.key));
    return (dictionary.data.reportMetrics?.length ? dictionary.data.reportMetrics : DEFAULT_KEY_METRICS).filter((k) => known.has(k));
  }, [dictionary.data]);
  const values = useLoad(
    keys.length && events.data?.length
      ? (signal) => get<{ values: MetricValue[] }>(`/api/projects/${project.id}/metric-values?period=${encodeURIComponent(period)}&keys=${keys.join(',')}&compare=previous_period,previous_year`, { signal })
      : null,
    [project.id, period, keys.join(','), events.data?.length, lang],
  );
  const cards = useMemo(() => (values.data?.values ?? []).filter((v) => !v.error && v.value !== null).slice(0, MAX_CARDS), [values.data]);
  const trend = useLoad(
    activity
      ? (signal) => post<TrendsResult>(`/api/projects/${project.id}/query`, {
          kind: 'trends', dateRange: range, interval: kind === 'quarter' ? 'week' : 'day',
          series: [{ event: activity.event, math: activity.math, name: t(activity.label) }],
          compare: ['previous_period'],
        }, { signal })
      : null,
    [project.id, JSON.stringify(range), activity?.event, lang],
  );
  const option = useMemo(() => (trend.data ? trendsOption(trend.data, true, '#bbb') : null), [trend.data]);
  const loading = events.loading || dictionary.loading || values.loading;
  const failed = events.error ?? dictionary.error ?? values.error;

  return (
    <>
      <PageHeader
        title={t('nav.dashboard')}
        sub={project.name}
        extra={
          <Space wrap>
            <Segmented<PeriodKind>
              aria-label={t('period.label')}
              value={kind}
              onChange={setKind}
              options={(['week', 'month', 'quarter', 'custom'] as const).map((k) => ({ value: k, label: t(`period.${k}`) }))}
            />
            {kind === 'custom' && (
              <DatePicker.RangePicker allowClear={false} value={[dayjs(custom.from), dayjs(custom.to)]} onChange={(d) => d?.[0] && d[1] && setCustom({ from: d[0].format('YYYY-MM-DD'), to: d[1].format('YYYY-MM-DD') })} />
            )}
          </Space>
        }
      />
      <Typography.Title level={5}>{t('dash.goals')}</Typography.Title>
      <GoalCards period={period} />
      <Typography.Title level={5} style={{ marginTop: 24 }}>{t('dash.metrics')}</Typography.Title>
      {loading ? <Loading onCancel={values.loading ? values.cancel : undefined} /> : failed ? (
        <div data-testid="metrics-error"><ErrorState error={failed} onRetry={() => { events.reload(); dictionary.reload(); values.reload(); }} api="GET /api/projects/:id/metric-values" /></div>
      ) : !events.data?.length || !cards.length ? (
        <Card><EmptyState text={t('dash.noData')} action={<Link to={`/p/${project.id}/keys`}>{t('nav.keys')}</Link>} /></Card>
      ) : (
        <>
          <Row gutter={[16, 16]}>
            {cards.map((m) => {
              const name = m.name[lang] || m.key;
              return (
                <Col xs={12} md={6} key={m.key}>
                  <Card size="small" data-testid="metric-card" style={{ height: '100%' }}>
                    <Statistic
                      title={<span style={{ display: 'inline-flex', alignItems: 'center', gap: 2 }}>{name}<MetricInfo name={name} metricKey={m.key} formula={m.formula} /></span>}
                      value={fmtMetric(m.value, m.format, lang, project.currency)}
                    />
                    <Delta label={t('dash.pop')} metric={m} which="previous_period" lang={lang} />
                    <Delta label={t('dash.yoy')} metric={m} which="previous_year" lang={lang} />
                  </Card>
                </Col>
              );
            })}
          </Row>
          {trend.loading ? <Loading onCancel={trend.cancel} /> : trend.error ? <ErrorState error={trend.error} onRetry={trend.reload} /> : option && (
            <Card title={`${t('dash.trends')} · ${t('dash.dau')}`} size="small" style={{ marginTop: 16 }}><Chart option={option} height={280} ariaLabel={t('dash.trends')} /></Card>
          )}
        </>
      )}
      <Typography.Title level={5} style={{ marginTop: 24 }}>{t('dash.pinned')}</Typography.Title>
      <PinnedInsights />
    </>
  );
}

/** A metric's value in its format (percent, the project's currency, duration, number). */
export function fmtMetric(v: number | null, format: string, lang: 'zh-CN' | 'en-US', currency: string): string {
  if (v === null || !Number.isFinite(v)) return '—';
  if (format === 'percent') return fmtPercent(v, lang);
  if (format === 'duration') return fmtDuration(v, lang);
  if (format === 'currency') return new Intl.NumberFormat(lang, { style: 'currency', currency, maximumFractionDigits: Math.abs(v) < 100 ? 2 : 0 }).format(v);
  return fmtNumber(v, lang, Math.abs(v) < 100 ? 1 : 0);
}

/** 环比 / 同比: relative change, or percentage points for rates; green when it goes the good way. */
function Delta({ label, metric, which, lang }: { label: string; metric: MetricValue; which: 'previous_period' | 'previous_year'; lang: 'zh-CN' | 'en-US' }) {
  const c = metric.compare[which];
  const value = metric.isRate ? (c?.absolute ?? null) : (c?.relative ?? null);
  const good = value === null || value === 0 ? null : (value > 0) === (metric.direction !== 'lower_is_better');
  const color = good === null ? '#999' : good ? '#389e0d' : '#cf1322';
  return (
    <div style={{ fontSize: 12, color: '#888', display: 'flex', justifyContent: 'space-between', gap: 4 }}>
      <span>{label}</span>
      <span style={{ color }}>{value !== null && value > 0 ? <ArrowUpOutlined /> : value !== null && value < 0 ? <ArrowDownOutlined /> : null} {metric.isRate ? fmtChange(value === null ? null : value * 100, lang, 'pp') : fmtChange(value, lang)}</span>
    </div>
  );
}
