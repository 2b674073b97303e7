import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { get, post } from '../api.js';
import { LangSwitch } from '../components/LangSwitch.js';
import { ErrorState, Loading } from '../components/States.js';
import { useLoad } from '../components/useLoad.js';
import { useI18n } from '../i18n/index.js';
import { navigate } from '../router.js';
import type { Me, Role } from '../types.js';

function Frame({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div style={{ minHeight: '100vh', boxSizing: 'border-box', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f3f5f9', padding: 16 }}>
      <div style={{ width: '100%', maxWidth: 420 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 16 }}>
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>{t('app.name')}</Typography.Title>
            <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
          </div>
          <LangSwitch size="small" />
        </div>
        <Card>
          <Typography.Title level={4} style={{ marginTop: 0 }}>{title}</Typography.Title>
          {intro && <Typography.Paragraph type="secondary">{intro}</Typography.Paragraph>}
          {children}
        </Card>
      </div>
    </div>
  );
}

function useSubmit<T>(fn: (values: T) => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (values: T) => {
    setBusy(true);
    setError(null);
    try {
      await fn(values);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

function AccountFields({ withName, emailLocked }: { withName?: boolean; emailLocked?: string | null }) {
  const { t } = useI18n();
  return (
    <>
      {withName && (
        <Form.Item name="name" label={t('auth.name')}>
          <Input autoComplete="name" />
        </Form.Item>
      )}
      <Form.Item name="email" label={t('common.email')} initialValue={emailLocked ?? undefined} rules={[{ required: true, type: 'email', message: t('auth.email.required') }]}>
        <Input autoComplete="email" disabled={!!emailLocked} inputMode="email" />
      </Form.Item>
      <Form.Item
        name="password"
        label={t('auth.password')}
        extra={withName ? t('auth.passwordHint') : undefined}
        rules={[{ required: true, min: withName ? 8 : 1, message: withName ? t('auth.passwordHint') : t('auth.password.required') }]}
      >
        <Input.Password autoComplete={withName ? 'new-password' : 'current-password'} />
      </Form.Item>
    </>
  );
}

export function SetupPage({ onDone }: { onDone(me: Me): void }) {
  const { t, lang } = useI18n();
  const { busy, error, submit } = useSubmit<{ email: string; password: string; name?: string }>(async (v) => {
    onDone(await post<Me>('/api/setup', { ...v, lang }));
    navigate('/', true);
  });
  return (
    <Frame title={t('auth.setup.title')} intro={t('auth.setup.intro')}>
      <Form layout="vertical" onFinish={submit} requiredMark={false} data-testid="setup-form">
        <AccountFields withName />
        {!!error && <div style={{ marginBottom: 16 }}><ErrorState error={error} /></div>}
        <Button type="primary" htmlType="submit" block loading={busy}>{t('auth.setup.submit')}</Button>
      </Form>
    </Frame>
  );
}

export function SignInPage({ onDone }: { onDone(me: Me): void }) {
  const { t } = useI18n();
  const { busy, error, submit } = useSubmit<{ email: string; password: string }>(async (v) => {
    onDone(await post<Me>('/api/auth/sign-in', v, { quiet401: true }));
  });
  return (
    <Frame title={t('auth.signIn')}>
      <Form layout="vertical" onFinish={submit} requiredMark={false} data-testid="signin-form">
        <AccountFields />
        {!!error && <div style={{ marginBottom: 16 }}><ErrorState error={error} /></div>}
        <Button type="primary" htmlType="submit" block loading={busy}>{t('auth.signIn')}</Button>
      </Form>
    </Frame>
  );
}

export function AcceptInvite({ token, me, onDone }: { token: string; me: Me | null; onDone(me: Me): void }) {
  const { t } = useI18n();
  const info = useLoad((signal) => get<{ projectId: string; projectName: string; role: Role; email: string | null }>(`/api/invitations/${encodeURIComponent(token)}`, { signal }), [token]);
  const { busy, error, submit } = useSubmit<Record<string, string>>(async (v) => {
    const result = await post<Me>(`/api/invitations/${encodeURIComponent(token)}/accept`, me ? {} : v);
    onDone(result);
    navigate(`/p/${info.data?.projectId ?? ''}/dashboard`, true);
  });
  if (info.loading) return <Loading />;
  if (info.error || !info.data) return <Frame title={t('error.title')}><ErrorState error={info.error} /></Frame>;
  const d = info.data;
  return (
    <Frame title={t('auth.invite.title', { project: d.projectName })} intro={t('auth.invite.intro', { role: t(`role.${d.role}`) })}>
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        {me ? <Alert style={{ marginBottom: 16 }} type="info" message={t('auth.invite.joinAs', { email: me.user.email })} /> : <AccountFields withName emailLocked={d.email} />}
        {!!error && <div style={{ marginBottom: 16 }}><ErrorState error={error} /></div>}
        <Button type="primary" htmlType="submit" block loading={busy}>{t('auth.invite.accept')}</Button>
      </Form>
    </Frame>
  );
}
