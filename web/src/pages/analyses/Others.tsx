import { Button, Card, Col, InputNumber, Row, Select, Table } from 'antd';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { Chart, type ChartHandle, type ChartOption } from '../../components/Chart.js';
import { PageHeader } from '../../components/PageHeader.js';
import { fmtNumber } from '../../format.js';
import { useI18n, type MessageKey } from '../../i18n/index.js';
import { useProject } from '../../session.js';
import type { DateRange } from '../../types.js';
import { DateRangeField, EventSelect, Field, ResultFrame, useEventNames, useQueryRunner, type EventName } from './common.js';
import { ResultToolbar } from './Toolbar.js';

type Row = Record<string, unknown>;

/** Any array of flat objects in a result, as a table (the fallback view of every analysis). */
function rowsOf(result: unknown): Row[] {
  if (!result || typeof result !== 'object') return [];
  for (const v of Object.values(result as Record<string, unknown>)) {
    if (Array.isArray(v) && v.length && typeof v[0] === 'object' && v[0] !== null) return v as Row[];
  }
  return [];
}

function GenericTable({ rows }: { rows: Row[] }) {
  const { lang } = useI18n();
  const cols = Object.keys(rows[0] ?? {}).filter((k) => rows.some((r) => typeof r[k] !== 'object' || r[k] === null)).slice(0, 14);
  return (
    <Table size="small" rowKey={(_, i) => String(i)} pagination={rows.length > 50 ? { pageSize: 50 } : false} scroll={{ x: true }} dataSource={rows}
      columns={cols.map((k) => ({ title: k, dataIndex: k, align: typeof rows[0]?.[k] === 'number' ? 'right' as const : undefined, render: (v: unknown) => (typeof v === 'number' ? fmtNumber(v, lang, 2) : v === null || v === undefined ? '—' : String(v)) }))} />
  );
}

interface BuilderProps<R> {
  title: MessageKey;
  kind: string;
  form(events: EventName[] | undefined): ReactNode;
  spec: Record<string, unknown>;
  ready: boolean;
  chart?(result: R, lang: 'zh-CN' | 'en-US', t: (k: MessageKey) => string): ChartOption | null;
}

function Builder<R>({ title, kind, form, spec, ready, chart }: BuilderProps<R>) {
  const { t, lang } = useI18n();
  const { project } = useProject();
  const events = useEventNames(project.id);
  const runner = useQueryRunner<R>(project.id);
  const ref = useRef<ChartHandle>(null);
  const r = runner.result;
  const rows = useMemo(() => rowsOf(r), [r]);
  const option = useMemo(() => (r && chart ? chart(r, lang, t) : null), [r, chart, lang, t]);
  return (
    <>
      <PageHeader title={t(title)} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <Card>
            {form(events.data)}
            <Button type="primary" block disabled={!ready} loading={runner.loading} onClick={() => runner.run({ kind, ...spec })}>{t('common.run')}</Button>
          </Card>
        </Col>
        <Col xs={24} lg={16}>
          <Card extra={r && <ResultToolbar name={kind} spec={{ kind, ...spec }} chart={option ? ref : undefined} rows={() => [Object.keys(rows[0] ?? {}), ...rows.map((x) => Object.values(x).map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : (v as string | number | null))))]} />}>
            <ResultFrame runner={runner as never} kind={kind} empty={!!r && rows.length === 0 && !option}>
              {option && <Chart ref={ref} option={option} height={360} ariaLabel={t(title)} />}
              {rows.length > 0 && <GenericTable rows={rows} />}
            </ResultFrame>
          </Card>
        </Col>
      </Row>
    </>
  );
}

export function Paths() {
  const { t } = useI18n();
  const [range, setRange] = useState<DateRange>('last_30_days');
  const [event, setEvent] = useState('');
  const [direction, setDirection] = useState('after');
  const [steps, setSteps] = useState(4);
  return (
    <Builder<{ nodes?: { id: string; event: string; step: number; persons: number }[]; edges?: { source: string; target: string; persons: number }[] }>
      title="nav.paths"
      kind="paths"
      ready={!!event}
      spec={{ dateRange: range, event, direction, steps }}
      form={(events) => (
        <>
          <Field label="an.dateRange"><DateRangeField value={range} onChange={setRange} /></Field>
          <Field label="an.event"><EventSelect events={events} value={event} onChange={setEvent} /></Field>
          <Field label="an.direction"><Select style={{ width: 160 }} value={direction} onChange={setDirection} options={['after', 'before'].map((d) => ({ value: d, label: t(`an.direction.${d}` as 'an.direction.after') }))} /></Field>
          <Field label="an.depth"><InputNumber aria-label={t('an.depth')} min={1} max={10} value={steps} onChange={(v) => setSteps(v ?? 4)} /></Field>
        </>
      )}
      chart={(r) => (r.nodes?.length && r.edges?.length ? {
        tooltip: { trigger: 'item' },
        series: [{
          type: 'sankey', emphasis: { focus: 'adjacency' }, nodeGap: 10, left: 8, right: 120,
          data: r.nodes.map((n) => ({ name: n.id, depth: n.step, value: n.persons })),
          label: { formatter: (p: { name: string }) => p.name.replace(/^\d+:/, '') },
          links: r.edges.map((e) => ({ source: e.source, target: e.target, value: e.persons })),
        }],
      } : null)}
    />
  );
}

export function Lifecycle() {
  const { t } = useI18n();
  const [range, setRange] = useState<DateRange>('last_90_days');
  const [event, setEvent] = useState('');
  const [period, setPeriod] = useState('week');
  const STATES = ['new', 'returning', 'resurrecting', 'dormant'] as const;
  return (
    <Builder<{ periods?: ({ period: string } & Record<string, number>)[] }>
      title="nav.lifecycle"
      kind="lifecycle"
      ready={!!event}
      spec={{ dateRange: range, event, interval: period }}
      form={(events) => (
        <>
          <Field label="an.dateRange"><DateRangeField value={range} onChange={setRange} /></Field>
          <Field label="an.event"><EventSelect events={events} value={event} onChange={setEvent} /></Field>
          <Field label="an.period"><Select style={{ width: 120 }} value={period} onChange={setPeriod} options={['day', 'week', 'month'].map((p) => ({ value: p, label: t(`an.${p}` as 'an.day') }))} /></Field>
        </>
      )}
      chart={(r, _lang, tt) => (r.periods?.length ? {
        tooltip: { trigger: 'axis' },
        legend: { bottom: 0 },
        grid: { left: 48, right: 16, top: 16, bottom: 40 },
        xAxis: { type: 'category', data: r.periods.map((p) => p.period) },
        yAxis: { type: 'value' },
        series: STATES.map((s) => ({ type: 'bar', stack: 'all', name: tt(`an.lifecycle.${s}`), data: r.periods!.map((p) => (s === 'dormant' ? -Math.abs(p[s] ?? 0) : p[s] ?? 0)) })),
      } : null)}
    />
  );
}

export function Channels() {
  const [range, setRange] = useState<DateRange>('last_30_days');
  const [conversion, setConversion] = useState('');
  return (
    <Builder
      title="nav.channels"
      kind="channels"
      ready
      spec={{ dateRange: range, ...(conversion ? { conversionEvent: conversion } : {}) }}
      form={(events) => (
        <>
          <Field label="an.dateRange"><DateRangeField value={range} onChange={setRange} /></Field>
          <Field label="an.conversionEvent"><EventSelect events={events} value={conversion} onChange={setConversion} /></Field>
        </>
      )}
    />
  );
}
