import { Card, Col, Descriptions, Row, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { get } from '../../api.js';
import { PageHeader } from '../../components/PageHeader.js';
import { EmptyState, ErrorState, Loading } from '../../components/States.js';
import { useLoad } from '../../components/useLoad.js';
import { fmtChange, fmtNumber, fmtPercent } from '../../format.js';
import { useI18n } from '../../i18n/index.js';
import { useProject } from '../../session.js';
import { pick } from '../GoalCards.js';

type Bi = string | { 'zh-CN': string; 'en-US': string };
interface Experiment { key: string; name: string; status?: string; start?: string; end?: string | null }
interface VariantMetric { variant: string; n: number; value: number | null; lift: number | null; ci?: [number | null, number | null] | null; pValue: number | null; chanceToWin: number | null; verdict?: string }
interface MetricResult { key: string; name: string; role: 'goal' | 'guardrail'; control: { variant: string; n: number; value: number | null }; variants: VariantMetric[]; error?: { message: string } }
interface Results {
  name: string;
  window: { from: string; to: string; ended: boolean };
  exposures: { variants: { key: string; name: string; persons: number; share: number | null; expectedShare: number }[]; analysed: number };
  metrics: MetricResult[];
  srm?: { pValue: number | null; warning?: boolean } | null;
  decision?: { decision: string; reason: Bi } | null;
}

/** Experiments (docs/experiments.md): the project's experiments and, for the chosen one, exposures and per-metric results. */
export function ExperimentsPage() {
  const { t } = useI18n();
  const { project } = useProject();
  const list = useLoad((signal) => get<{ experiments: Experiment[] }>(`/api/projects/${project.id}/experiments`, { signal }), [project.id]);
  const [key, setKey] = useState<string | null>(null);
  const chosen = key ?? list.data?.experiments[0]?.key ?? null;
  return (
    <>
      <PageHeader title={t('nav.experiments')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <Card>
            {list.loading ? <Loading /> : list.error ? <ErrorState error={list.error} onRetry={list.reload} api="GET /api/projects/:id/experiments" /> : !list.data?.experiments.length ? (
              <EmptyState text={t('exp.empty')} />
            ) : (
              <Table<Experiment> size="small" rowKey="key" pagination={false} dataSource={list.data.experiments}
                onRow={(e) => ({ onClick: () => setKey(e.key), style: { cursor: 'pointer', background: e.key === chosen ? '#e6f4ff' : undefined } })}
                columns={[{ title: t('common.name'), render: (_, e) => <><div>{e.name || e.key}</div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{e.key}</Typography.Text></> }, { title: t('common.status'), dataIndex: 'status', render: (s?: string) => (s ? <Tag>{s}</Tag> : null) }]} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={16}>{chosen && <ExperimentResults experimentKey={chosen} />}</Col>
      </Row>
    </>
  );
}

function ExperimentResults({ experimentKey }: { experimentKey: string }) {
  const { t, lang } = useI18n();
  const { project } = useProject();
  const r = useLoad((signal) => get<Results>(`/api/projects/${project.id}/experiments/${encodeURIComponent(experimentKey)}/results`, { signal }), [project.id, experimentKey]);
  if (r.loading) return <Card><Loading onCancel={r.cancel} /></Card>;
  if (r.error || !r.data) return <Card><ErrorState error={r.error} onRetry={r.reload} /></Card>;
  const d = r.data;
  return (
    <Card title={d.name}>
      <Descriptions size="small" column={{ xs: 1, sm: 2 }} items={[
        { key: 'w', label: t('an.dateRange'), children: `${d.window.from.slice(0, 10)} – ${d.window.to.slice(0, 10)}` },
        { key: 'n', label: t('an.count'), children: fmtNumber(d.exposures.analysed, lang) },
        ...(d.decision ? [{ key: 'd', label: t('exp.decision'), children: <><Tag color="blue">{d.decision.decision}</Tag>{pick(d.decision.reason, lang)}</> }] : []),
      ]} />
      <Table size="small" style={{ marginTop: 12 }} rowKey="key" pagination={false} scroll={{ x: true }} dataSource={d.exposures.variants} columns={[
        { title: t('exp.variant'), render: (_, v) => v.name || v.key },
        { title: t('an.count'), align: 'right', render: (_, v) => fmtNumber(v.persons, lang) },
        { title: t('exp.share'), align: 'right', render: (_, v) => `${fmtPercent(v.share, lang)} / ${fmtPercent(v.expectedShare, lang)}` },
      ]} />
      {d.metrics.map((m) => (
        <div key={m.key} style={{ marginTop: 16 }}>
          <Typography.Text strong>{m.name}</Typography.Text> <Tag>{m.role}</Tag>
          {m.error ? <ErrorState error={new Error(m.error.message)} /> : (
            <Table<VariantMetric> size="small" rowKey="variant" pagination={false} scroll={{ x: true }} dataSource={m.variants} columns={[
              { title: t('exp.variant'), dataIndex: 'variant' },
              { title: t('dash.actual'), align: 'right', render: (_, v) => `${fmtNumber(v.value, lang, 4)} (${fmtNumber(m.control.value, lang, 4)})` },
              { title: t('exp.lift'), align: 'right', render: (_, v) => fmtChange(v.lift, lang) },
              { title: 'CI', align: 'right', render: (_, v) => (v.ci ? `[${fmtChange(v.ci[0], lang)}, ${fmtChange(v.ci[1], lang)}]` : '—') },
              { title: 'p', align: 'right', render: (_, v) => fmtNumber(v.pValue, lang, 4) },
              { title: t('exp.chanceToWin'), align: 'right', render: (_, v) => fmtPercent(v.chanceToWin, lang) },
              { title: t('common.status'), render: (_, v) => (v.verdict ? <Tag>{v.verdict}</Tag> : null) },
            ]} />
          )}
        </div>
      ))}
    </Card>
  );
}
