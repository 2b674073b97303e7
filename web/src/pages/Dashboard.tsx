import { ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons';
import { Card, Col, DatePicker, Row, Segmented, Space, Statistic, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { get, post } from '../api.js';
import { Chart } from '../components/Chart.js';
import { PageHeader } from '../components/PageHeader.js';
import { EmptyState, ErrorState, Loading } from '../components/States.js';
import { useLoad } from '../components/useLoad.js';
import { fmtChange, fmtNumber } from '../format.js';
import { useI18n, type MessageKey } from '../i18n/index.js';
import { Link } from '../router.js';
import { useProject } from '../session.js';
import type { DateRange } from '../types.js';
import { trendsOption, type TrendsResult } from './analyses/Trends.js';
import { GoalCards, periodLabel, type PeriodKind } from './GoalCards.js';
import { PinnedInsights } from './PinnedInsights.js';

const ACTIVITY = ['app_launch', '$pageview'];

/** The key metrics the dashboard shows, chosen from what the project's data contains. */
function keyMetrics(events: string[]): { event: string; math: string; label: MessageKey; mathProperty?: string }[] {
  const has = (e: string) => events.includes(e);
  const activity = ACTIVITY.find(has) ?? events[0];
  const out: { event: string; math: string; label: MessageKey; mathProperty?: string }[] = [];
  if (activity) out.push({ event: activity, math: 'dau', label: 'dash.dau' });
  if (has('sign_up')) out.push({ event: 'sign_up', math: 'total', label: 'dash.signups' });
  if (has('order_paid')) out.push({ event: 'order_paid', math: 'total', label: 'dash.orders' }, { event: 'order_paid', math: 'sum', mathProperty: 'revenue', label: 'dash.revenue' });
  if (out.length < 2 && activity) out.push({ event: activity, math: 'total', label: 'dash.events' });
  return out.slice(0, 4);
}

export function Dashboard() {
  const { t, lang } = useI18n();
  const { project } = useProject();
  const [kind, setKind] = useState<PeriodKind>('month');
  const [custom, setCustom] = useState<{ from: string; to: string }>({ from: dayjs().subtract(13, 'day').format('YYYY-MM-DD'), to: dayjs().format('YYYY-MM-DD') });
  const range: DateRange = kind === 'custom' ? custom : `this_${kind}`;
  const period = periodLabel(kind, custom);

  const events = useLoad((signal) => get<{ events: { event: string }[] }>(`/api/projects/${project.id}/schema/events`, { signal }).then((r) => r.events.map((e) => e.event)), [project.id]);
  const metrics = useMemo(() => keyMetrics(events.data ?? []), [events.data]);
  const trend = useLoad(
    metrics.length
      ? (signal) => post<TrendsResult>(`/api/projects/${project.id}/query`, {
          kind: 'trends', dateRange: range, interval: kind === 'quarter' ? 'week' : 'day',
          series: metrics.map((m) => ({ event: m.event, math: m.math, ...(m.mathProperty ? { mathProperty: m.mathProperty } : {}), name: t(m.label) })),
          compare: ['previous_period', 'previous_year'],
        }, { signal })
      : null,
    [project.id, JSON.stringify(range), metrics, lang],
  );
  const option = useMemo(() => (trend.data ? trendsOption({ ...trend.data, series: trend.data.series.slice(0, 1) }, true, '#bbb') : null), [trend.data]);

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
      {events.loading || trend.loading ? <Loading onCancel={trend.loading ? trend.cancel : undefined} /> : events.error ? <ErrorState error={events.error} onRetry={events.reload} /> : !metrics.length ? (
        <Card><EmptyState text={t('dash.noData')} action={<Link to={`/p/${project.id}/keys`}>{t('nav.keys')}</Link>} /></Card>
      ) : trend.error ? <div data-testid="metrics-error"><ErrorState error={trend.error} onRetry={trend.reload} api="POST /api/projects/:id/query (trends)" /></div> : trend.data ? (
        <>
          <Row gutter={[16, 16]}>
            {trend.data.series.map((l) => (
              <Col xs={12} md={6} key={l.letter}>
                <Card size="small" data-testid="metric-card" style={{ height: '100%' }}>
                  <Statistic title={l.name} value={fmtNumber(l.aggregate, lang, l.aggregate !== null && l.aggregate < 100 ? 1 : 0)} />
                  <Delta label={t('dash.pop')} value={l.compare?.previous_period?.change.relative ?? null} lang={lang} />
                  <Delta label={t('dash.yoy')} value={l.compare?.previous_year?.change.relative ?? null} lang={lang} />
                </Card>
              </Col>
            ))}
          </Row>
          <Card title={t('dash.trends')} size="small" style={{ marginTop: 16 }}>{option && <Chart option={option} height={280} ariaLabel={t('dash.trends')} />}</Card>
        </>
      ) : null}
      <Typography.Title level={5} style={{ marginTop: 24 }}>{t('dash.pinned')}</Typography.Title>
      <PinnedInsights />
    </>
  );
}

function Delta({ label, value, lang }: { label: string; value: number | null; lang: 'zh-CN' | 'en-US' }) {
  const color = value === null ? '#999' : value > 0 ? '#389e0d' : value < 0 ? '#cf1322' : '#999';
  return (
    <div style={{ fontSize: 12, color: '#888', display: 'flex', justifyContent: 'space-between', gap: 4 }}>
      <span>{label}</span>
      <span style={{ color }}>{value !== null && value > 0 ? <ArrowUpOutlined /> : value !== null && value < 0 ? <ArrowDownOutlined /> : null} {fmtChange(value, lang)}</span>
    </div>
  );
}
