import {
  ApiOutlined, AimOutlined, BookOutlined, DashboardOutlined, ExperimentOutlined, FileTextOutlined, FunnelPlotOutlined,
  LineChartOutlined, LogoutOutlined, MenuOutlined, NodeIndexOutlined, RetweetOutlined, SettingOutlined, ShareAltOutlined, SyncOutlined, TeamOutlined, UserOutlined,
} from '@ant-design/icons';
import { Button, Dropdown, Grid, Layout, Menu, Select, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useI18n, type MessageKey } from '../i18n/index.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';
import { LangSwitch } from './LangSwitch.js';

const PAGES: { key: string; label: MessageKey; icon: ReactNode; group?: 'analyses' }[] = [
  { key: 'dashboard', label: 'nav.dashboard', icon: <DashboardOutlined /> },
  { key: 'trends', label: 'nav.trends', icon: <LineChartOutlined />, group: 'analyses' },
  { key: 'funnels', label: 'nav.funnels', icon: <FunnelPlotOutlined />, group: 'analyses' },
  { key: 'retention', label: 'nav.retention', icon: <RetweetOutlined />, group: 'analyses' },
  { key: 'paths', label: 'nav.paths', icon: <NodeIndexOutlined />, group: 'analyses' },
  { key: 'lifecycle', label: 'nav.lifecycle', icon: <SyncOutlined />, group: 'analyses' },
  { key: 'channels', label: 'nav.channels', icon: <ShareAltOutlined />, group: 'analyses' },
  { key: 'experiments', label: 'nav.experiments', icon: <ExperimentOutlined />, group: 'analyses' },
  { key: 'goals', label: 'nav.goals', icon: <AimOutlined /> },
  { key: 'metrics', label: 'nav.metrics', icon: <BookOutlined /> },
  { key: 'reports', label: 'nav.reports', icon: <FileTextOutlined /> },
  { key: 'members', label: 'nav.members', icon: <TeamOutlined /> },
  { key: 'keys', label: 'nav.keys', icon: <ApiOutlined /> },
  { key: 'settings', label: 'nav.settings', icon: <SettingOutlined /> },
];

/** The frame of every signed-in page: navigation, project switcher, language, account. */
export function Shell({ projectId, page, children }: { projectId: string | null; page: string; children: ReactNode }) {
  const { t } = useI18n();
  const { me, signOut } = useSession();
  const screens = Grid.useBreakpoint();
  const narrow = !screens.md;
  const [collapsed, setCollapsed] = useState(true);
  const go = (key: string) => {
    if (projectId) navigate(`/p/${projectId}/${key}`);
    if (narrow) setCollapsed(true);
  };
  const item = (p: (typeof PAGES)[number]) => ({ key: p.key, icon: p.icon, label: t(p.label) });
  const items = [
    ...PAGES.filter((p) => p.key === 'dashboard').map(item),
    { type: 'group' as const, key: 'analyses', label: t('nav.analyses'), children: PAGES.filter((p) => p.group).map(item) },
    { type: 'divider' as const, key: 'd1' },
    ...PAGES.filter((p) => !p.group && p.key !== 'dashboard').map(item),
  ];
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        breakpoint="md"
        collapsedWidth={0}
        collapsed={narrow ? collapsed : false}
        onCollapse={setCollapsed}
        trigger={null}
        theme="light"
        width={208}
        style={{ borderRight: '1px solid #f0f0f0', ...(narrow ? { position: 'fixed', zIndex: 20, height: '100%', overflowY: 'auto' } : {}) }}
      >
        <div style={{ padding: '16px 20px', fontWeight: 600, fontSize: 18 }}>{t('app.name')}</div>
        {projectId && <Menu mode="inline" selectedKeys={[page]} items={items} onClick={(e) => go(e.key)} style={{ borderInlineEnd: 'none' }} />}
      </Layout.Sider>
      {narrow && !collapsed && <div aria-hidden onClick={() => setCollapsed(true)} style={{ position: 'fixed', inset: 0, background: 'rgba(0,0,0,0.35)', zIndex: 19 }} />}
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 16px', display: 'flex', alignItems: 'center', gap: 12, borderBottom: '1px solid #f0f0f0', height: 56 }}>
          {narrow && <Button type="text" icon={<MenuOutlined />} aria-label={t('nav.menu')} aria-expanded={!collapsed} onClick={() => setCollapsed(!collapsed)} />}
          {me.projects.length > 0 && (
            <Select
              aria-label={t('project.select')}
              data-testid="project-switch"
              value={projectId ?? undefined}
              style={{ minWidth: 140, maxWidth: 240 }}
              onChange={(id) => navigate(`/p/${id}/${page || 'dashboard'}`)}
              options={me.projects.map((p) => ({ value: p.id, label: p.name }))}
            />
          )}
          <span style={{ flex: 1 }} />
          <LangSwitch size="small" />
          <Dropdown
            trigger={['click']}
            menu={{
              items: [
                { key: 'account', icon: <UserOutlined />, label: t('auth.account') },
                { key: 'signout', icon: <LogoutOutlined />, label: t('auth.signOut') },
              ],
              onClick: (e) => (e.key === 'signout' ? void signOut().then(() => navigate('/', true)) : navigate('/account')),
            }}
          >
            <Button type="text" icon={<UserOutlined />} aria-label={t('auth.account')} data-testid="user-menu">
              {!narrow && <Typography.Text ellipsis style={{ maxWidth: 160 }}>{me.user.name || me.user.email}</Typography.Text>}
            </Button>
          </Dropdown>
        </Layout.Header>
        <Layout.Content style={{ padding: narrow ? 12 : 24, maxWidth: 1400, width: '100%', margin: '0 auto' }}>{children}</Layout.Content>
      </Layout>
    </Layout>
  );
}
