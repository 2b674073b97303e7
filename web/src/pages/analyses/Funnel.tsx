import { Button, Card, Col, InputNumber, Row, Select, Space, Table, Typography } from 'antd';
import { useMemo, useRef, useState } from 'react';
import { Chart, type ChartHandle, type ChartOption } from '../../components/Chart.js';
import { PageHeader } from '../../components/PageHeader.js';
import { fmtDuration, fmtNumber, fmtPercent } from '../../format.js';
import { useI18n } from '../../i18n/index.js';
import { useProject } from '../../session.js';
import type { DateRange } from '../../types.js';
import { DateRangeField, EventSelect, Field, PropertySelect, ResultFrame, useEventNames, usePropertyNames, useQueryRunner } from './common.js';
import { ResultToolbar } from './Toolbar.js';

export interface FunnelStep { event: string; count: number; conversionFromPrevious: number | null; conversionFromFirst: number | null; dropOff: number; medianTimeToConvertSeconds?: number | null }
export interface FunnelResult { steps: FunnelStep[]; breakdown?: { value: string; steps: FunnelStep[] }[] }

export function funnelOption(r: FunnelResult, lang: 'zh-CN' | 'en-US'): ChartOption {
  const names = r.steps.map((s, i) => `${i + 1}. ${s.event}`);
  const groups = r.breakdown?.length ? r.breakdown.slice(0, 6) : [{ value: '', steps: r.steps }];
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => fmtPercent(Number(v), lang) },
    legend: groups.length > 1 ? { bottom: 0 } : undefined,
    grid: { left: 48, right: 16, top: 24, bottom: groups.length > 1 ? 48 : 32 },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, overflow: 'truncate', width: 110 } },
    yAxis: { type: 'value', max: 1, axisLabel: { formatter: (v: number) => fmtPercent(v, lang, 0) } },
    series: groups.map((g) => ({
      type: 'bar',
      name: g.value || (lang === 'zh-CN' ? '转化率' : 'Conversion'),
      data: g.steps.map((s) => s.conversionFromFirst ?? 0),
      barMaxWidth: 64,
      label: { show: groups.length === 1, position: 'top', formatter: (p: { value: unknown }) => fmtPercent(Number(p.value), lang) },
    })),
  };
}

export function FunnelBuilder() {
  const { t, lang } = useI18n();
  const { project } = useProject();
  const events = useEventNames(project.id);
  const props = usePropertyNames(project.id);
  const [range, setRange] = useState<DateRange>('last_30_days');
  const [steps, setSteps] = useState<string[]>(['', '']);
  const [order, setOrder] = useState('ordered');
  const [windowValue, setWindowValue] = useState(7);
  const [windowUnit, setWindowUnit] = useState('day');
  const [breakdown, setBreakdown] = useState<string | undefined>();
  const runner = useQueryRunner<FunnelResult>(project.id);
  const chart = useRef<ChartHandle>(null);
  const spec = useMemo(() => ({
    kind: 'funnel',
    dateRange: range,
    steps: steps.filter(Boolean).map((event) => ({ event })),
    order,
    window: { value: windowValue, unit: windowUnit },
    ...(breakdown ? { breakdown: { property: breakdown, attribution: 'first_touch' } } : {}),
  }), [range, steps, order, windowValue, windowUnit, breakdown]);
  const r = runner.result;
  const option = useMemo(() => (r ? funnelOption(r, lang) : null), [r, lang]);
  const biggestDrop = r ? r.steps.reduce((best, s, i) => (i > 0 && (s.conversionFromPrevious ?? 1) < (r.steps[best]?.conversionFromPrevious ?? 1) ? i : best), 1) : -1;

  return (
    <>
      <PageHeader title={t('nav.funnels')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <Card>
            <Field label="an.dateRange"><DateRangeField value={range} onChange={setRange} /></Field>
            <Field label="an.steps">
              <Space direction="vertical" style={{ width: '100%' }}>
                {steps.map((s, i) => (
                  <Space key={i} wrap>
                    <Typography.Text type="secondary" style={{ width: 56, display: 'inline-block' }}>{t('an.step', { n: i + 1 })}</Typography.Text>
                    <EventSelect events={events.data} value={s} label={t('an.step', { n: i + 1 })} onChange={(v) => setSteps(steps.map((x, k) => (k === i ? v : x)))} />
                    {steps.length > 2 && <Button type="text" aria-label={t('common.remove')} onClick={() => setSteps(steps.filter((_, k) => k !== i))}>×</Button>}
                  </Space>
                ))}
                {steps.length < 10 && <Button size="small" onClick={() => setSteps([...steps, ''])}>+ {t('an.addStep')}</Button>}
              </Space>
            </Field>
            <Field label="an.order">
              <Select style={{ width: 160 }} value={order} onChange={setOrder} options={['ordered', 'strict', 'unordered'].map((o) => ({ value: o, label: t(`an.order.${o}` as 'an.order.ordered') }))} />
            </Field>
            <Field label="an.window">
              <Space>
                <InputNumber aria-label={t('an.window')} min={1} max={365} value={windowValue} onChange={(v) => setWindowValue(v ?? 1)} />
                <Select style={{ width: 100 }} value={windowUnit} onChange={setWindowUnit} options={['minute', 'hour', 'day', 'week'].map((u) => ({ value: u, label: t(`an.${u}` as 'an.day') }))} />
              </Space>
            </Field>
            <Field label="an.breakdown"><PropertySelect properties={props.data} value={breakdown} onChange={setBreakdown} /></Field>
            <Button type="primary" block disabled={spec.steps.length < 2} loading={runner.loading} onClick={() => runner.run(spec)} data-testid="run-funnel">{t('common.run')}</Button>
          </Card>
        </Col>
        <Col xs={24} lg={16}>
          <Card extra={r && <ResultToolbar name="funnel" spec={spec} chart={chart} rows={() => [['step', 'event', 'count', 'conversion_from_first', 'conversion_from_previous', 'drop_off'], ...r.steps.map((s, i) => [i + 1, s.event, s.count, s.conversionFromFirst, s.conversionFromPrevious, s.dropOff])]} />}>
            <ResultFrame runner={runner as never} kind="funnel" empty={!!r && (r.steps[0]?.count ?? 0) === 0}>
              {r && option && (
                <>
                  <Chart ref={chart} option={option} ariaLabel={t('nav.funnels')} />
                  <Table
                    size="small"
                    rowKey={(_, i) => String(i)}
                    pagination={false}
                    scroll={{ x: true }}
                    dataSource={r.steps}
                    rowClassName={(_, i) => (i === biggestDrop ? 'fp-biggest-drop' : '')}
                    columns={[
                      { title: '#', render: (_, __, i) => i + 1, width: 40 },
                      { title: t('an.event'), dataIndex: 'event' },
                      { title: t('an.count'), align: 'right', render: (_, s) => fmtNumber(s.count, lang) },
                      { title: t('an.conversion'), align: 'right', render: (_, s) => fmtPercent(s.conversionFromFirst, lang) },
                      { title: t('an.fromPrevious'), align: 'right', render: (_, s, i) => (i === 0 ? '—' : <span style={i === biggestDrop ? { color: '#cf1322', fontWeight: 600 } : {}}>{fmtPercent(s.conversionFromPrevious, lang)}</span>) },
                      { title: t('an.dropOff'), align: 'right', render: (_, s) => fmtNumber(s.dropOff, lang), responsive: ['sm'] },
                      { title: t('an.medianTime'), align: 'right', render: (_, s, i) => (i === 0 ? '—' : fmtDuration(s.medianTimeToConvertSeconds, lang)), responsive: ['md'] },
                    ]}
                  />
                </>
              )}
            </ResultFrame>
          </Card>
        </Col>
      </Row>
    </>
  );
}
