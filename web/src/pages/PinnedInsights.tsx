import { PushpinFilled } from '@ant-design/icons';
import { Button, Card, Col, Row, Table, Tooltip } from 'antd';
import { useMemo } from 'react';
import { get, patch, post } from '../api.js';
import { Chart } from '../components/Chart.js';
import { EmptyState, ErrorState, Loading } from '../components/States.js';
import { useLoad } from '../components/useLoad.js';
import { useI18n } from '../i18n/index.js';
import { useProject } from '../session.js';
import { funnelOption, type FunnelResult } from './analyses/Funnel.js';
import { trendsOption, type TrendsResult } from './analyses/Trends.js';

interface Insight { id: string; name: string; spec: { kind: string } & Record<string, unknown> }

export function PinnedInsights() {
  const { t } = useI18n();
  const { project } = useProject();
  const list = useLoad((signal) => get<{ insights: Insight[] }>(`/api/projects/${project.id}/insights?pinned=true`, { signal }), [project.id]);
  if (list.loading) return <Loading />;
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} api="GET /api/projects/:id/insights" />;
  const items = list.data?.insights ?? [];
  if (!items.length) return <Card size="small"><EmptyState text={t('dash.pinned.empty')} /></Card>;
  return (
    <Row gutter={[16, 16]}>
      {items.map((i) => (
        <Col xs={24} lg={12} key={i.id}>
          <InsightCard insight={i} onUnpin={list.reload} />
        </Col>
      ))}
    </Row>
  );
}

function InsightCard({ insight, onUnpin }: { insight: Insight; onUnpin(): void }) {
  const { lang, t } = useI18n();
  const { project, canEdit } = useProject();
  const result = useLoad((signal) => post<unknown>(`/api/projects/${project.id}/query`, insight.spec, { signal }), [project.id, JSON.stringify(insight.spec)]);
  const option = useMemo(() => {
    const r = result.data;
    if (!r) return null;
    if (insight.spec.kind === 'trends') return trendsOption(r as TrendsResult, false, '#bbb');
    if (insight.spec.kind === 'funnel') return funnelOption(r as FunnelResult, lang);
    return null;
  }, [result.data, insight.spec.kind, lang]);
  return (
    <Card
      size="small"
      title={insight.name}
      data-testid="insight-card"
      extra={canEdit && (
        <Tooltip title={t('common.remove')}>
          <Button type="text" size="small" icon={<PushpinFilled />} aria-label={t('common.remove')} onClick={() => void patch(`/api/projects/${project.id}/insights/${insight.id}`, { pinned: false }).then(onUnpin)} />
        </Tooltip>
      )}
    >
      {result.loading ? <Loading onCancel={result.cancel} /> : result.error ? <ErrorState error={result.error} onRetry={result.reload} /> : option ? <Chart option={option} height={240} ariaLabel={insight.name} /> : (
        <Table size="small" pagination={false} rowKey={(_, k) => String(k)} dataSource={[]} />
      )}
    </Card>
  );
}
