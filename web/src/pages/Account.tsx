import { Alert, Button, Card, Descriptions, Form, Input } from 'antd';
import { useState } from 'react';
import { post } from '../api.js';
import { PageHeader } from '../components/PageHeader.js';
import { ErrorState } from '../components/States.js';
import { useI18n } from '../i18n/index.js';
import { useSession } from '../session.js';

export function AccountPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const [state, setState] = useState<{ busy: boolean; error: unknown; done: boolean }>({ busy: false, error: null, done: false });
  const [form] = Form.useForm();
  return (
    <>
      <PageHeader title={t('auth.account')} />
      <Card style={{ maxWidth: 560, marginBottom: 16 }}>
        <Descriptions column={1} items={[
          { key: 'email', label: t('common.email'), children: me.user.email },
          { key: 'name', label: t('common.name'), children: me.user.name || '—' },
        ]} />
      </Card>
      <Card title={t('auth.changePassword')} style={{ maxWidth: 560 }}>
        <Form
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={async (v: { currentPassword: string; newPassword: string }) => {
            setState({ busy: true, error: null, done: false });
            try {
              await post('/api/me/password', v);
              form.resetFields();
              setState({ busy: false, error: null, done: true });
            } catch (e) {
              setState({ busy: false, error: e, done: false });
            }
          }}
        >
          <Form.Item name="currentPassword" label={t('auth.currentPassword')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item name="newPassword" label={t('auth.newPassword')} extra={t('auth.passwordHint')} rules={[{ required: true, min: 8, message: t('auth.passwordHint') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          {!!state.error && <div style={{ marginBottom: 12 }}><ErrorState error={state.error} /></div>}
          {state.done && <Alert style={{ marginBottom: 12 }} type="success" message={t('auth.passwordChanged')} />}
          <Button type="primary" htmlType="submit" loading={state.busy}>{t('common.save')}</Button>
        </Form>
      </Card>
    </>
  );
}
