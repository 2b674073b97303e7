import { Alert, App, Button, Card, Form, Input, Select, Space } from 'antd';
import { useMemo, useState } from 'react';
import { patch } from '../api.js';
import { LangSwitch } from '../components/LangSwitch.js';
import { PageHeader } from '../components/PageHeader.js';
import { ErrorState } from '../components/States.js';
import { useI18n } from '../i18n/index.js';
import { useProject, useSession } from '../session.js';
import type { Project } from '../types.js';

const CURRENCIES = ['CNY', 'USD', 'EUR', 'JPY', 'HKD', 'GBP', 'SGD', 'KRW', 'TWD', 'AUD', 'CAD'];

export function SettingsPage() {
  const { t } = useI18n();
  const { project, isOwner } = useProject();
  const { reloadMe } = useSession();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const zones = useMemo(() => {
    const list = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? ['Asia/Shanghai', 'UTC'];
    return ['UTC', ...list.filter((z) => z !== 'UTC')].map((z) => ({ value: z, label: z }));
  }, []);
  return (
    <>
      <PageHeader title={t('nav.settings')} />
      <Card title={t('settings.project')} style={{ maxWidth: 640, marginBottom: 16 }}>
        {!isOwner && <Alert style={{ marginBottom: 16 }} type="info" message={t('settings.ownerOnly')} />}
        <Form<Partial<Project>>
          layout="vertical"
          disabled={!isOwner}
          initialValues={project}
          onFinish={async (v) => {
            setBusy(true);
            setError(null);
            try {
              await patch(`/api/projects/${project.id}`, { name: v.name, timeZone: v.timeZone, currency: v.currency, weekStart: v.weekStart });
              await reloadMe();
              void message.success(t('common.saved'));
            } catch (e) {
              setError(e);
            } finally {
              setBusy(false);
            }
          }}
        >
          <Form.Item name="name" label={t('project.name')} rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="timeZone" label={t('settings.timeZone')}><Select showSearch options={zones} /></Form.Item>
          <Form.Item name="currency" label={t('settings.currency')}><Select showSearch options={CURRENCIES.map((c) => ({ value: c, label: c }))} /></Form.Item>
          <Form.Item name="weekStart" label={t('settings.weekStart')}>
            <Select options={[{ value: 'monday', label: t('settings.monday') }, { value: 'sunday', label: t('settings.sunday') }]} />
          </Form.Item>
          {!!error && <div style={{ marginBottom: 12 }}><ErrorState error={error} /></div>}
          <Button type="primary" htmlType="submit" loading={busy}>{t('common.save')}</Button>
        </Form>
      </Card>
      <Card title={t('settings.personal')} style={{ maxWidth: 640 }}>
        <Space><span>{t('lang.label')}</span><LangSwitch /></Space>
      </Card>
    </>
  );
}
