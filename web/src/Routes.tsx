import { Button, Card, Form, Input, Result } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { post } from './api.js';
import { Shell } from './components/Shell.js';
import { ErrorState } from './components/States.js';
import { useI18n } from './i18n/index.js';
import { AccountPage } from './pages/Account.js';
import { ExperimentsPage } from './pages/analyses/Experiments.js';
import { Channels, Lifecycle, Paths } from './pages/analyses/Others.js';
import { FunnelBuilder } from './pages/analyses/Funnel.js';
import { RetentionBuilder } from './pages/analyses/Retention.js';
import { TrendsBuilder } from './pages/analyses/Trends.js';
import { Dashboard } from './pages/Dashboard.js';
import { GoalsPage } from './pages/Goals.js';
import { MetricsPage } from './pages/Metrics.js';
import { KeysPage } from './pages/Keys.js';
import { MembersPage } from './pages/Members.js';
import { ReportEditor, ReportsPage } from './pages/Reports.js';
import { SettingsPage } from './pages/Settings.js';
import { match, navigate } from './router.js';
import { ProjectContext, useSession } from './session.js';

const PAGES: Record<string, (sub: string | undefined) => ReactNode> = {
  dashboard: () => <Dashboard />,
  trends: () => <TrendsBuilder />,
  funnels: () => <FunnelBuilder />,
  retention: () => <RetentionBuilder />,
  paths: () => <Paths />,
  lifecycle: () => <Lifecycle />,
  channels: () => <Channels />,
  experiments: () => <ExperimentsPage />,
  goals: () => <GoalsPage />,
  metrics: () => <MetricsPage />,
  reports: (sub) => (sub ? <ReportEditor period={sub} /> : <ReportsPage />),
  members: () => <MembersPage />,
  keys: () => <KeysPage />,
  settings: () => <SettingsPage />,
};

export function Routes({ path }: { path: string }) {
  const { me } = useSession();
  const { t } = useI18n();
  const first = me.projects[0];
  const root = path === '/' || path === '';
  useEffect(() => {
    if (root && first) navigate(`/p/${first.id}/dashboard`, true);
  }, [root, first]);

  if (match('/account', path)) return <Shell projectId={me.projects[0]?.id ?? null} page=""><AccountPage /></Shell>;
  const m = match('/p/:project/:page', path) ?? match('/p/:project/:page/:sub', path);
  if (!m) {
    return <Shell projectId={null} page="">{me.projects.length === 0 ? <NoProject /> : <Result status="404" title="404" extra={<Button onClick={() => navigate('/')}>{t('nav.dashboard')}</Button>} />}</Shell>;
  }
  const project = me.projects.find((p) => p.id === m.project);
  const render = PAGES[m.page ?? ''];
  const role = project?.role ?? 'viewer';
  return (
    <Shell projectId={project?.id ?? null} page={m.page ?? ''}>
      {!project || !render ? (
        <Result status="404" title="404" extra={<Button onClick={() => navigate('/')}>{t('nav.dashboard')}</Button>} />
      ) : (
        <ProjectContext.Provider value={{ project, canEdit: role !== 'viewer', isOwner: role === 'owner' }}>
          <div key={project.id}>{render(m.sub)}</div>
        </ProjectContext.Provider>
      )}
    </Shell>
  );
}

function NoProject() {
  const { t } = useI18n();
  const { reloadMe } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Card style={{ maxWidth: 520, margin: '40px auto' }}>
      <Result status="info" title={t('project.none.title')} subTitle={t('project.none.body')} />
      <Form
        layout="vertical"
        onFinish={async (v: { name: string; id?: string }) => {
          setBusy(true);
          setError(null);
          try {
            const r = await post<{ id: string }>('/api/projects', { name: v.name, ...(v.id ? { id: v.id } : {}), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
            await reloadMe();
            navigate(`/p/${r.id}/dashboard`);
          } catch (e) {
            setError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item name="name" label={t('project.name')} rules={[{ required: true }]}><Input /></Form.Item>
        <Form.Item name="id" label={t('project.id')}><Input placeholder="shop" /></Form.Item>
        {!!error && <div style={{ marginBottom: 12 }}><ErrorState error={error} /></div>}
        <Button type="primary" htmlType="submit" loading={busy}>{t('project.create')}</Button>
      </Form>
    </Card>
  );
}
