import { Alert, Button, Empty, Space, Spin } from 'antd';
import type { ReactNode } from 'react';
import { ApiError } from '../api.js';
import { useI18n } from '../i18n/index.js';

export function Loading({ tip, onCancel }: { tip?: string; onCancel?: () => void }) {
  const { t } = useI18n();
  return (
    <div role="status" aria-live="polite" style={{ padding: 48, textAlign: 'center' }}>
      <Space direction="vertical" align="center">
        <Spin size="large" />
        <span style={{ color: '#888' }}>{tip ?? t('common.loading')}</span>
        {onCancel && <Button onClick={onCancel}>{t('common.cancel')}</Button>}
      </Space>
    </div>
  );
}

/** Nothing to show yet, and what to do about it. */
export function EmptyState({ text, action }: { text: ReactNode; action?: ReactNode }) {
  return (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={<span style={{ whiteSpace: 'pre-wrap' }}>{text}</span>} style={{ padding: 24 }}>
      {action}
    </Empty>
  );
}

/**
 * An error with what to do next: a missing API (another part of the server still being
 * built) says so plainly; permission errors say whom to ask; the rest show the server's
 * message (already in the user's language) and a retry.
 */
export function ErrorState({ error, onRetry, api }: { error: unknown; onRetry?: () => void; api?: string }) {
  const { t } = useI18n();
  if (error instanceof ApiError && error.missingRoute) {
    return <Alert type="info" showIcon message={t('error.notBuilt')} description={t('error.notBuiltHint', { api: api ?? String(error.details.id ?? '') })} />;
  }
  const message =
    error instanceof ApiError
      ? error.code === 'network'
        ? t('error.network')
        : error.status === 403
          ? `${error.message} — ${t('error.forbidden')}`
          : error.message
      : String((error as Error)?.message ?? error);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      message={t('error.title')}
      description={message}
      action={onRetry ? <Button onClick={onRetry}>{t('common.retry')}</Button> : undefined}
    />
  );
}
