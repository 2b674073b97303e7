import { Button, Card, Col, InputNumber, Row, Select, Table } from 'antd';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { Chart, type ChartHandle, type ChartOption } from '../../components/Chart.js';
import { PageHeader } from '../../components/PageHeader.js';
import { fmtNumber, fmtPercent } from '../../format.js';
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

/** A result table column: the row field, its header (both languages) and how to show its numbers. */
interface Column {
  key: string;
  label: MessageKey;
  fmt?: 'number' | 'percent' | 'ratio' | 'money';
}

function cell(v: unknown, fmt: Column['fmt'], lang: 'zh-CN' | 'en-US'): string {
  if (v === null || v === undefined) return '—';
  if (typeof v !== 'number') return String(v);
  if (fmt === 'percent') return fmtPercent(v, lang);
  if (fmt === 'ratio') return `${fmtNumber(v, lang, 2)}x`;
  return fmtNumber(v, lang, fmt === 'money' ? 2 : Number.isInteger(v) ? 0 : 2);
}

/** The table of a result with named columns; unnamed fields of the rows are not shown. */
function ResultTable({ rows, columns }: { rows: Row[]; columns: Column[] }) {
  const { t, lang } = useI18n();
  const cols = columns.filter((c) => rows.some((r) => r[c.key] !== undefined));
  return (
    <Table size="small" rowKey={(_, i) => String(i)} pagination={rows.length > 50 ? { pageSize: 50 } : false} scroll={{ x: true }} dataSource={rows}
      columns={cols.map((c) => ({ title: <span style={{ whiteSpace: 'nowrap' }}>{t(c.label)}</span>, dataIndex: c.key, align: typeof rows[0]?.[c.key] === 'number' ? 'right' as const : undefined, render: (v: unknown) => cell(v, c.fmt, lang) }))} />
  );
}

interface BuilderProps<R> {
  title: MessageKey;
  kind: string;
  form(events: EventName[] | undefined): ReactNode;
  spec: Record<string, unknown>;
  ready: boolean;
  chart?(result: R, lang: 'zh-CN' | 'en-US', t: (k: MessageKey) => string): ChartOption | null;
  /** The table's columns, in order, with their headers in the dictionary. */
  columns: Column[];
  /** The result's rows as flat objects (default: the first array of objects in the result). */
  rows?(result: R): Row[];
}

function Builder<R>({ title, kind, form, spec, ready, chart, columns, rows: toRows }: BuilderProps<R>) {
  const { t, lang } = useI18n();
  const { project } = useProject();
  const events = useEventNames(project.id);
  const runner = useQueryRunner<R>(project.id);
  const ref = useRef<ChartHandle>(null);
  const r = runner.result;
  const rows = useMemo(() => (r && toRows ? toRows(r) : rowsOf(r)), [r, toRows]);
  const shownCols = useMemo(() => columns.filter((c) => rows.some((x) => x[c.key] !== undefined)), [columns, rows]);
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
          <Card extra={r && <ResultToolbar name={kind} spec={{ kind, ...spec }} chart={option ? ref : undefined} rows={() => [shownCols.map((c) => t(c.label)), ...rows.map((x) => shownCols.map((c) => { const v = x[c.key]; return typeof v === 'object' && v !== null ? JSON.stringify(v) : (v as string | number | null | undefined) ?? null; }))]} />}>
            <ResultFrame runner={runner as never} kind={kind} empty={!!r && rows.length === 0 && !option}>
              {option && <Chart ref={ref} option={option} height={360} ariaLabel={t(title)} />}
              {rows.length > 0 && <ResultTable rows={rows} columns={columns} />}
            </ResultFrame>
          </Card>
        </Col>
      </Row>
    </>
  );
}

const PATH_COLUMNS: Column[] = [
  { key: 'step', label: 'an.col.step' },
  { key: 'event', label: 'an.event' },
  { key: 'persons', label: 'an.col.persons' },
  { key: 'dropOff', label: 'an.col.dropOff' },
];

const LIFECYCLE_COLUMNS: Column[] = [
  { key: 'period', label: 'an.period' },
  { key: 'new', label: 'an.lifecycle.new' },
  { key: 'returning', label: 'an.lifecycle.returning' },
  { key: 'resurrecting', label: 'an.lifecycle.resurrecting' },
  { key: 'dormant', label: 'an.lifecycle.dormant' },
  { key: 'quickRatio', label: 'an.col.quickRatio', fmt: 'number' },
];

const CHANNEL_COLUMNS: Column[] = [
  { key: 'channel', label: 'an.col.channel' },
  { key: 'campaign', label: 'an.col.campaign' },
  { key: 'spend', label: 'an.col.spend', fmt: 'money' },
  { key: 'impressions', label: 'an.col.impressions' },
  { key: 'clicks', label: 'an.col.clicks' },
  { key: 'ctr', label: 'an.col.ctr', fmt: 'percent' },
  { key: 'cpm', label: 'an.col.cpm', fmt: 'money' },
  { key: 'cpc', label: 'an.col.cpc', fmt: 'money' },
  { key: 'newPersons', label: 'an.col.newPersons' },
  { key: 'conversions', label: 'an.col.conversions' },
  { key: 'cpa', label: 'an.col.cpa', fmt: 'money' },
  { key: 'newCustomers', label: 'an.col.newCustomers' },
  { key: 'paidCac', label: 'an.col.paidCac', fmt: 'money' },
  { key: 'revenue', label: 'an.col.revenue', fmt: 'money' },
  { key: 'roas', label: 'an.col.roas', fmt: 'ratio' },
  { key: 'roi', label: 'an.col.roi', fmt: 'percent' },
];

interface ChannelsResult {
  rows?: { channel: string; campaign?: string; metrics?: Record<string, number | null> }[];
  total?: { metrics?: Record<string, number | null> };
}

/** Channel rows with their metrics side by side, then the total. */
function channelRows(r: ChannelsResult): Row[] {
  const out: Row[] = (r.rows ?? []).map((x) => ({ channel: x.channel === '$none' ? '—' : x.channel, ...(x.campaign !== undefined ? { campaign: x.campaign } : {}), ...(x.metrics ?? {}) }));
  return out;
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
      columns={PATH_COLUMNS}
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
      columns={LIFECYCLE_COLUMNS}
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
      columns={CHANNEL_COLUMNS}
      rows={channelRows}
      form={(events) => (
        <>
          <Field label="an.dateRange"><DateRangeField value={range} onChange={setRange} /></Field>
          <Field label="an.conversionEvent"><EventSelect events={events} value={conversion} onChange={setConversion} /></Field>
        </>
      )}
    />
  );
}
