import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { del, get, post } from '../api.js';
import { PageHeader } from '../components/PageHeader.js';
import { EmptyState, ErrorState, Loading } from '../components/States.js';
import { useLoad } from '../components/useLoad.js';
import { useI18n } from '../i18n/index.js';
import { fmtDate } from '../format.js';
import { useProject, useSession } from '../session.js';
import type { ApiKeyInfo } from '../types.js';

/** The snippets to paste: fupan's own SDK, and posthog-js sending to fupan's PostHog-compatible capture API. */
export function snippets(origin: string, key: string): { sdk: string; posthog: string } {
  return {
    sdk: `<script src="${origin}/sdk.js"></script>
<script>
  fupan.init('${key}', { apiHost: '${origin}' });
  // fupan.capture('signup_click', { plan: 'pro' });
  // fupan.identify('user-42', { email: 'lin@example.com' });
</script>`,
    posthog: `import posthog from 'posthog-js';

posthog.init('${key}', {
  api_host: '${origin}',
  autocapture: false,
  capture_pageview: true,
  disable_session_recording: true,
  advanced_disable_decide: true,
});`,
  };
}

export function KeysPage() {
  const { t, lang } = useI18n();
  const { project, canEdit, isOwner } = useProject();
  const { me } = useSession();
  const { message } = App.useApp();
  const keys = useLoad((signal) => get<{ keys: ApiKeyInfo[] }>(`/api/projects/${project.id}/keys`, { signal }), [project.id]);
  const [creating, setCreating] = useState<'ingest' | 'read' | null>(null);
  const [issued, setIssued] = useState<{ key: string; kind: 'ingest' | 'read' } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const origin = location.origin;
  const ingestKey = issued?.kind === 'ingest' ? issued.key : '<ingest key>';
  const snip = snippets(origin, ingestKey);

  const copy = (text: string) => void navigator.clipboard?.writeText(text).then(() => message.success(t('common.copied')));
  const revoke = async (k: ApiKeyInfo) => {
    try {
      await del(`/api/projects/${project.id}/keys/${k.id}`);
      keys.reload();
    } catch (e) {
      setError(e);
    }
  };
  const columns = [
    { title: t('keys.label'), dataIndex: 'label', render: (v: string) => v || '—' },
    { title: t('keys.prefix'), dataIndex: 'prefix', render: (v: string) => <Typography.Text code>{v}…</Typography.Text> },
    { title: t('common.email'), dataIndex: 'userEmail', render: (v: string | null) => v ?? '—', responsive: ['md' as const] },
    { title: t('common.created'), dataIndex: 'createdAt', render: (v: string) => fmtDate(v, lang), responsive: ['sm' as const] },
    {
      title: t('common.actions'),
      key: 'a',
      render: (_: unknown, k: ApiKeyInfo) =>
        k.revokedAt ? <Tag>{t('keys.revoked')}</Tag> : (k.kind === 'ingest' ? canEdit : isOwner || k.userId === me.user.id) ? (
          <Popconfirm title={t('common.confirm')} okText={t('common.yes')} cancelText={t('common.no')} onConfirm={() => revoke(k)}>
            <Button size="small" danger>{t('keys.revoke')}</Button>
          </Popconfirm>
        ) : null,
    },
  ];
  const table = (kind: 'ingest' | 'read') => {
    const rows = (keys.data?.keys ?? []).filter((k) => k.kind === kind);
    return rows.length ? <Table rowKey="id" size="small" columns={columns} dataSource={rows} pagination={false} scroll={{ x: true }} /> : <EmptyState text={t('keys.empty')} />;
  };
  return (
    <>
      <PageHeader title={t('nav.keys')} />
      {!!error && <div style={{ marginBottom: 12 }}><ErrorState error={error} /></div>}
      {keys.loading ? <Loading /> : keys.error ? <ErrorState error={keys.error} onRetry={keys.reload} /> : (
        <Space direction="vertical" style={{ width: '100%' }} size="middle">
          <Card title={t('keys.ingest')} extra={canEdit && <Button onClick={() => setCreating('ingest')}>{t('keys.new')}</Button>}>
            <Typography.Paragraph type="secondary">{t('keys.ingestHelp')}</Typography.Paragraph>
            {table('ingest')}
          </Card>
          <Card title={t('keys.read')} extra={<Button onClick={() => setCreating('read')}>{t('keys.new')}</Button>}>
            <Typography.Paragraph type="secondary">{t('keys.readHelp')}</Typography.Paragraph>
            {table('read')}
          </Card>
          <Card title={t('keys.snippet.sdk')}>
            <Typography.Paragraph type="secondary">{t('keys.snippet.help')}</Typography.Paragraph>
            <Tabs items={[
              { key: 'sdk', label: 'fupan /sdk.js', children: <Snippet text={snip.sdk} onCopy={copy} /> },
              { key: 'posthog', label: t('keys.snippet.posthog'), children: <Snippet text={snip.posthog} onCopy={copy} /> },
            ]} />
          </Card>
        </Space>
      )}
      <Modal
        open={creating !== null}
        title={t('keys.new')}
        onCancel={() => setCreating(null)}
        footer={null}
        destroyOnHidden
      >
        <Form layout="vertical" onFinish={async (v: { label?: string }) => {
          try {
            const r = await post<{ key: string; kind: 'ingest' | 'read' }>(`/api/projects/${project.id}/keys`, { kind: creating, label: v.label ?? '' });
            setIssued(r);
            setCreating(null);
            keys.reload();
          } catch (e) {
            setError(e);
            setCreating(null);
          }
        }}>
          <Form.Item name="label" label={t('keys.label')}><Input maxLength={100} /></Form.Item>
          <Button type="primary" htmlType="submit">{t('common.create')}</Button>
        </Form>
      </Modal>
      <Modal open={issued !== null} title={t('keys.new')} onCancel={() => setIssued(null)} onOk={() => setIssued(null)} cancelButtonProps={{ style: { display: 'none' } }}>
        <Alert type="warning" showIcon message={t('keys.shownOnce')} style={{ marginBottom: 12 }} />
        <Input.TextArea readOnly value={issued?.key} autoSize data-testid="issued-key" />
        <Button style={{ marginTop: 8 }} onClick={() => issued && copy(issued.key)}>{t('common.copy')}</Button>
      </Modal>
    </>
  );
}

function Snippet({ text, onCopy }: { text: string; onCopy(text: string): void }) {
  const { t } = useI18n();
  return (
    <div style={{ position: 'relative' }}>
      <pre style={{ background: '#f6f8fa', padding: 12, borderRadius: 6, overflowX: 'auto', fontSize: 12, margin: 0 }}>{text}</pre>
      <Button size="small" style={{ position: 'absolute', top: 8, right: 8 }} onClick={() => onCopy(text)}>{t('common.copy')}</Button>
    </div>
  );
}
