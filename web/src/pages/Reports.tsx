import { Button, Card, Form, Modal, Segmented, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { get, post } from '../api.js';
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

export interface ReportSummary {
  id: string;
  period: string | { label: string; kind?: string };
  status: 'draft' | 'published';
  lang?: string;
  updatedAt?: string;
  publishedAt?: string | null;
}

export const periodText = (p: ReportSummary['period']) => (typeof p === 'string' ? p : p.label);

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
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <PageHeader title={t('nav.reports')} extra={canEdit && <Button type="primary" onClick={() => setOpen(true)} data-testid="new-report">{t('reports.new')}</Button>} />
      {!!error && <div style={{ marginBottom: 12 }}><ErrorState error={error} api="POST /api/projects/:id/reports" /></div>}
      <Card>
        {reports.loading ? <Loading /> : reports.error ? <ErrorState error={reports.error} onRetry={reports.reload} api="GET /api/projects/:id/reports" /> : !reports.data?.reports.length ? <EmptyState text={t('reports.empty')} /> : (
          <Table<ReportSummary>
            size="small"
            rowKey="id"
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            dataSource={reports.data.reports}
            onRow={(r) => ({ onClick: () => navigate(`/p/${project.id}/reports/${r.id}`), style: { cursor: 'pointer' } })}
            columns={[
              { title: t('period.label'), render: (_, r) => periodText(r.period) },
              { title: t('common.status'), render: (_, r) => (r.status === 'published' ? <Tag color="green">{t('reports.published')}</Tag> : <Tag>{t('reports.draft')}</Tag>) },
              { title: t('reports.published'), render: (_, r) => fmtDate(r.publishedAt ?? null, lang, true), responsive: ['sm'] },
            ]}
          />
        )}
      </Card>
      <Modal open={open} title={t('reports.new')} footer={null} onCancel={() => setOpen(false)} destroyOnHidden>
        <Segmented<PeriodKind> style={{ marginBottom: 12 }} value={kind} onChange={setKind} options={(['week', 'month', 'quarter'] as const).map((k) => ({ value: k, label: t(`period.${k}`) }))} />
        <Form layout="vertical" initialValues={{ period: recentPeriods(kind)[0] }} key={kind} onFinish={async (v: { period: string }) => {
          setBusy(true);
          setError(null);
          try {
            const r = await post<{ id: string }>(`/api/projects/${project.id}/reports`, { period: v.period, lang });
            setOpen(false);
            navigate(`/p/${project.id}/reports/${r.id}`);
          } catch (e) {
            setError(e);
            setOpen(false);
          } finally {
            setBusy(false);
          }
        }}>
          <Form.Item name="period" label={t('period.label')}><Select options={recentPeriods(kind).map((p) => ({ value: p, label: p }))} /></Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>{t('common.create')}</Button>
        </Form>
      </Modal>
    </>
  );
}
