import { Alert, App, Button, Card, Form, Input, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { del, get, patch, post } from '../api.js';
import { PageHeader } from '../components/PageHeader.js';
import { ErrorState, Loading } from '../components/States.js';
import { useLoad } from '../components/useLoad.js';
import { fmtDate } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { useProject, useSession } from '../session.js';
import type { Invitation, Member, Role } from '../types.js';

const ROLES: Role[] = ['viewer', 'editor', 'owner'];

export function MembersPage() {
  const { t, lang } = useI18n();
  const { project, isOwner } = useProject();
  const { me } = useSession();
  const { message } = App.useApp();
  const members = useLoad((signal) => get<{ members: Member[] }>(`/api/projects/${project.id}/members`, { signal }), [project.id]);
  const invites = useLoad(isOwner ? (signal) => get<{ invitations: Invitation[] }>(`/api/projects/${project.id}/invitations`, { signal }) : null, [project.id, isOwner]);
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      members.reload();
      invites.reload();
    } catch (e) {
      setError(e);
    }
  };
  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }));
  return (
    <>
      <PageHeader title={t('nav.members')} />
      {!!error && <div style={{ marginBottom: 12 }}><ErrorState error={error} /></div>}
      {isOwner && (
        <Card title={t('members.invite')} style={{ marginBottom: 16 }}>
          <Form layout="inline" initialValues={{ role: 'viewer' }} onFinish={(v: { role: Role; email?: string }) =>
            act(async () => {
              const r = await post<Invitation>(`/api/projects/${project.id}/invitations`, { role: v.role, ...(v.email ? { email: v.email } : {}) });
              setLink(`${location.origin}/invite/${r.token}`);
            })
          }>
            <Form.Item name="email" rules={[{ type: 'email' }]}><Input placeholder={t('common.email')} style={{ width: 220 }} /></Form.Item>
            <Form.Item name="role"><Select options={roleOptions} style={{ width: 120 }} aria-label={t('common.role')} /></Form.Item>
            <Button type="primary" htmlType="submit">{t('members.invite')}</Button>
          </Form>
          {link && (
            <Alert style={{ marginTop: 12 }} type="success" message={t('members.inviteLink')} description={
              <Space wrap><Typography.Text code copyable={{ onCopy: () => void message.success(t('common.copied')) }}>{link}</Typography.Text></Space>
            } />
          )}
        </Card>
      )}
      <Card>
        {members.loading ? <Loading /> : members.error ? <ErrorState error={members.error} onRetry={members.reload} /> : (
          <Table<Member>
            rowKey="userId"
            size="small"
            pagination={false}
            scroll={{ x: true }}
            dataSource={members.data?.members ?? []}
            columns={[
              { title: t('common.name'), render: (_, m) => m.name || m.email },
              { title: t('common.email'), dataIndex: 'email', responsive: ['sm'] },
              {
                title: t('common.role'),
                render: (_, m) => isOwner ? (
                  <Select size="small" value={m.role} options={roleOptions} style={{ width: 110 }} onChange={(role) => act(() => patch(`/api/projects/${project.id}/members/${m.userId}`, { role }))} />
                ) : t(`role.${m.role}`),
              },
              {
                title: t('common.actions'),
                render: (_, m) => (isOwner || m.userId === me.user.id) && (
                  <Popconfirm title={t('common.confirm')} okText={t('common.yes')} cancelText={t('common.no')} onConfirm={() => act(() => del(`/api/projects/${project.id}/members/${m.userId}`))}>
                    <Button size="small" danger>{m.userId === me.user.id ? t('members.leave') : t('common.remove')}</Button>
                  </Popconfirm>
                ),
              },
            ]}
          />
        )}
      </Card>
      {isOwner && (invites.data?.invitations.length ?? 0) > 0 && (
        <Card title={t('members.pending')} style={{ marginTop: 16 }}>
          <Table<Invitation> rowKey="id" size="small" pagination={false} dataSource={invites.data!.invitations} columns={[
            { title: t('common.email'), render: (_, i) => i.email ?? '—' },
            { title: t('common.role'), render: (_, i) => t(`role.${i.role}`) },
            { title: t('members.expires'), render: (_, i) => fmtDate(i.expiresAt, lang, true) },
            { title: t('common.actions'), render: (_, i) => <Button size="small" onClick={() => act(() => del(`/api/projects/${project.id}/invitations/${i.id}`))}>{t('keys.revoke')}</Button> },
          ]} />
        </Card>
      )}
    </>
  );
}
