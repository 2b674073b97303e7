import { Button, Card, Form, Modal, Segmented, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { get } from '../api.js';
import { PageHeader } from '../components/PageHeader.js';
import { EmptyState, ErrorState, Loading } from '../components/States.js';
import { useLoad } from '../components/useLoad.js';
import { fmtDate } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { navigate } from '../router.js';
import { useProject } from '../session.js';
import dayjs from 'dayjs';
import { periodLabel, type PeriodKind } from './GoalCards.js';

export { ReportEditor } from './ReportEditor.js';

/** A report record (src/reports/store.ts): one per project and period; drafts exist as soon as someone writes in them. */
export interface ReportSummary {
  id: string;
  periodLabel: string;
  periodKind: string;
  fromDate: string;
  toDate: string;
  status: 'draft' | 'published';
  publishedAt: string | null;
}

/** Last complete periods, newest first, as the report API names them. */
function recentPeriods(kind: PeriodKind): string[] {
  const unit = kind === 'quarter' ? 'month' : (kind as 'week' | 'month');
  const step = kind === 'quarter' ? 3 : 1;
  return Array.from({ length: 6 }, (_, i) => periodLabel(kind, { from: '', to: '' }, dayjs().subtract((i + 1) * step, unit)));
}

export function ReportsPage() {
  const { t, lang } = useI18n();
  const { project, canEdit } = useProject();
  const reports = useLoad((signal) => get<{ reports: ReportSummary[] }>(`/api/projects/${project.id}/reports`, { signal }), [project.id]);
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<PeriodKind>('week');
  return (
    <>
      <PageHeader title={t('nav.reports')} extra={canEdit && <Button type="primary" onClick={() => setOpen(true)} data-testid="new-report">{t('reports.new')}</Button>} />
      <Card>
        {reports.loading ? <Loading /> : reports.error ? <ErrorState error={reports.error} onRetry={reports.reload} api="GET /api/projects/:id/reports" /> : !reports.data?.reports.length ? <EmptyState text={t('reports.empty')} /> : (
          <Table<ReportSummary>
            size="small"
            rowKey="id"
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            dataSource={reports.data.reports}
            onRow={(r) => ({ onClick: () => navigate(`/p/${project.id}/reports/${encodeURIComponent(r.periodLabel)}`), style: { cursor: 'pointer' } })}
            columns={[
              { title: t('period.label'), render: (_, r) => <a>{r.periodLabel}</a> },
              { title: t('an.dateRange'), render: (_, r) => `${r.fromDate} – ${r.toDate}`, responsive: ['sm'] },
              { title: t('common.status'), render: (_, r) => (r.status === 'published' ? <Tag color="green">{t('reports.published')}</Tag> : <Tag>{t('reports.draft')}</Tag>) },
              { title: t('reports.published'), render: (_, r) => fmtDate(r.publishedAt ?? null, lang, true), responsive: ['sm'] },
            ]}
          />
        )}
      </Card>
      <Modal open={open} title={t('reports.new')} footer={null} onCancel={() => setOpen(false)} destroyOnHidden>
        <Segmented<PeriodKind> style={{ marginBottom: 12 }} value={kind} onChange={setKind} options={(['week', 'month', 'quarter'] as const).map((k) => ({ value: k, label: t(`period.${k}`) }))} />
        <Form layout="vertical" initialValues={{ period: recentPeriods(kind)[0] }} key={kind} onFinish={(v: { period: string }) => {
          // A period's draft is computed on demand: opening it is creating it.
          setOpen(false);
          navigate(`/p/${project.id}/reports/${encodeURIComponent(v.period)}`);
        }}>
          <Form.Item name="period" label={t('period.label')}><Select options={recentPeriods(kind).map((p) => ({ value: p, label: p }))} /></Form.Item>
          <Button type="primary" htmlType="submit">{t('common.create')}</Button>
        </Form>
      </Modal>
    </>
  );
}
