import { DownloadOutlined, PushpinOutlined } from '@ant-design/icons';
import { App, Button, Input, Modal, Space } from 'antd';
import { useState, type RefObject } from 'react';
import { post } from '../../api.js';
import { download, toCsv, type ChartHandle } from '../../components/Chart.js';
import { useI18n } from '../../i18n/index.js';
import { useProject } from '../../session.js';

/** Export CSV / PNG and save the analysis (its spec) to the dashboard. */
export function ResultToolbar({ name, spec, rows, chart }: { name: string; spec: unknown; rows: () => (string | number | null)[][]; chart?: RefObject<ChartHandle | null> }) {
  const { t } = useI18n();
  const { project, canEdit } = useProject();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState(name);
  const [busy, setBusy] = useState(false);
  const file = `${project.id}-${name}`.replace(/[^\w\u4e00-\u9fff-]+/g, '_');
  return (
    <Space wrap>
      <Button icon={<DownloadOutlined />} onClick={() => download(`${file}.csv`, toCsv(rows()))}>{t('an.exportCsv')}</Button>
      {chart && (
        <Button icon={<DownloadOutlined />} onClick={() => { const png = chart.current?.png(); if (png) download(`${file}.png`, png); }}>{t('an.exportPng')}</Button>
      )}
      {canEdit && <Button icon={<PushpinOutlined />} onClick={() => { setTitle(name); setOpen(true); }} data-testid="save-insight">{t('an.saveToDashboard')}</Button>}
      <Modal
        open={open}
        title={t('an.saveToDashboard')}
        confirmLoading={busy}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        onCancel={() => setOpen(false)}
        onOk={async () => {
          setBusy(true);
          try {
            await post(`/api/projects/${project.id}/insights`, { name: title || name, spec, pinned: true });
            void message.success(t('common.saved'));
            setOpen(false);
          } catch (e) {
            void message.error((e as Error).message || t('error.title'));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Input aria-label={t('an.savedName')} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} />
      </Modal>
    </Space>
  );
}
