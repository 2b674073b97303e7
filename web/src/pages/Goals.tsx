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
import { fmtValue, periodLabel, useGoalStatus, type GoalStatusRow, type PeriodKind } from './GoalCards.js';
import { MetricInfo, metricName, type MetricDef } from './Metrics.js';

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
            { title: t('goals.metric'), render: (_, g) => <Space size={4}><Typography.Text>{g.metricName}</Typography.Text><MetricInfo name={g.metricName} metricKey={g.metricKey} formula={g.formula} description={g.description} /></Space> },
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
