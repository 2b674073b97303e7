import { Button, Card, Form, Input, InputNumber, Modal, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { get, post } from '../api.js';
import { PageHeader } from '../components/PageHeader.js';
import { EmptyState, ErrorState, Loading } from '../components/States.js';
import { useLoad } from '../components/useLoad.js';
import { fmtPercent } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { useProject } from '../session.js';
import { fmtValue, periodLabel, pick, useGoalStatus, type GoalStatusRow, type PeriodKind } from './GoalCards.js';

export interface MetricDef {
  key: string;
  name: string | { 'zh-CN': string; 'en-US': string };
  description?: string | { 'zh-CN': string; 'en-US': string };
  source?: string;
  unit?: string;
  format?: string;
  direction?: 'higher_is_better' | 'lower_is_better';
  formula?: string | { 'zh-CN': string; 'en-US': string };
  definition?: unknown;
}

export function metricName(m: MetricDef, lang: 'zh-CN' | 'en-US'): string {
  return typeof m.name === 'string' ? m.name : m.name[lang] ?? m.key;
}

const COLORS = { achieved: 'green', on_track: 'blue', at_risk: 'orange', behind: 'red' } as const;

export function GoalsPage() {
  const { t, lang } = useI18n();
  const { project, canEdit } = useProject();
  const [kind, setKind] = useState<PeriodKind>('month');
  const period = periodLabel(kind, { from: dayjs().startOf('month').format('YYYY-MM-DD'), to: dayjs().format('YYYY-MM-DD') });
  const goals = useGoalStatus(project.id, period);
  const metrics = useLoad((signal) => get<{ metrics: MetricDef[] }>(`/api/projects/${project.id}/metrics`, { signal }), [project.id]);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <PageHeader
        title={t('nav.goals')}
        extra={<Space wrap>
          <Segmented<PeriodKind> value={kind} onChange={setKind} options={(['week', 'month', 'quarter'] as const).map((k) => ({ value: k, label: t(`period.${k}`) }))} />
          {canEdit && <Button type="primary" onClick={() => setOpen(true)}>{t('goals.add')}</Button>}
        </Space>}
      />
      {!!error && <div style={{ marginBottom: 12 }}><ErrorState error={error} /></div>}
      <Card>
        {goals.loading ? <Loading /> : goals.error ? <ErrorState error={goals.error} onRetry={goals.reload} api="GET /api/projects/:id/goals/status" /> : !goals.data?.goals.length ? <EmptyState text={t('goals.empty')} /> : (
          <Table<GoalStatusRow> size="small" rowKey="id" pagination={false} scroll={{ x: true }} dataSource={goals.data.goals} columns={[
            { title: t('goals.metric'), render: (_, g) => <Typography.Text title={g.metricKey}>{g.metricName}</Typography.Text> },
            { title: t('dash.actual'), align: 'right', render: (_, g) => fmtValue(g.actual, g.format, lang) },
            { title: t('dash.target'), align: 'right', render: (_, g) => fmtValue(g.target, g.format, lang) },
            { title: t('dash.attainment'), align: 'right', render: (_, g) => fmtPercent(g.attainment, lang) },
            { title: t('dash.timeElapsed'), align: 'right', render: (_, g) => fmtPercent(g.timeProgress, lang), responsive: ['md'] },
            { title: t('common.status'), render: (_, g) => <Tag color={COLORS[g.status]} title={g.statusRule}>{t(`goal.${g.status}`)}</Tag> },
          ]} />
        )}
      </Card>
      <Modal open={open} title={t('goals.add')} footer={null} onCancel={() => setOpen(false)} destroyOnHidden>
        <Form layout="vertical" initialValues={{ periodKind: kind }} onFinish={async (v: { metricKey: string; target: number; baseline?: number | null; owner?: string }) => {
          try {
            await post(`/api/projects/${project.id}/goals`, { metric: v.metricKey, period, target: v.target, ...(v.baseline !== undefined && v.baseline !== null ? { baseline: v.baseline } : {}), ...(v.owner ? { owner: v.owner } : {}) });
            setOpen(false);
            goals.reload();
          } catch (e) {
            setError(e);
            setOpen(false);
          }
        }}>
          <Form.Item name="metricKey" label={t('goals.metric')} rules={[{ required: true }]}>
            <Select showSearch optionFilterProp="label" options={(metrics.data?.metrics ?? []).map((m) => ({ value: m.key, label: `${metricName(m, lang)} (${m.key})` }))} notFoundContent={metrics.error ? t('error.notBuilt') : t('metrics.empty')} />
          </Form.Item>
          <Form.Item label={t('period.label')}><Input value={period} disabled /></Form.Item>
          <Form.Item name="baseline" label={t('goals.baseline')}><InputNumber style={{ width: '100%' }} /></Form.Item>
          <Form.Item name="target" label={t('dash.target')} rules={[{ required: true }]}><InputNumber style={{ width: '100%' }} /></Form.Item>
          <Form.Item name="owner" label={t('goals.owner')}><Input /></Form.Item>
          <Button type="primary" htmlType="submit">{t('common.save')}</Button>
        </Form>
      </Modal>
    </>
  );
}

export function MetricsPage() {
  const { t, lang } = useI18n();
  const { project } = useProject();
  const metrics = useLoad((signal) => get<{ metrics: MetricDef[] }>(`/api/projects/${project.id}/metrics`, { signal }), [project.id]);
  return (
    <>
      <PageHeader title={t('nav.metrics')} />
      <Card>
        {metrics.loading ? <Loading /> : metrics.error ? <ErrorState error={metrics.error} onRetry={metrics.reload} api="GET /api/projects/:id/metrics" /> : !metrics.data?.metrics.length ? <EmptyState text={t('metrics.empty')} /> : (
          <Table<MetricDef> size="small" rowKey="key" pagination={{ pageSize: 50, hideOnSinglePage: true }} scroll={{ x: true }} dataSource={metrics.data.metrics}
            expandable={{ expandedRowRender: (m) => <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}>{pick(m.formula, lang)}{'\n\n'}{JSON.stringify(m.definition, null, 2)}</pre> }}
            columns={[
              { title: t('common.name'), render: (_, m) => metricName(m, lang) },
              { title: t('metrics.key'), dataIndex: 'key', render: (k: string) => <Typography.Text code>{k}</Typography.Text> },
              { title: t('metrics.definition'), render: (_, m) => pick(m.formula, lang) || pick(m.description, lang), ellipsis: true, responsive: ['md'] },
              { title: t('metrics.unit'), dataIndex: 'unit', responsive: ['sm'] },
              { title: t('metrics.direction'), render: (_, m) => (m.direction === 'lower_is_better' ? t('metrics.lower') : t('metrics.higher')) },
            ]} />
        )}
      </Card>
    </>
  );
}
