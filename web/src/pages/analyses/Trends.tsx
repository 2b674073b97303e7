import { Button, Card, Checkbox, Col, Row, Select, Space, Table } from 'antd';
import { useMemo, useRef, useState } from 'react';
import { Chart, type ChartHandle, type ChartOption } from '../../components/Chart.js';
import { PageHeader } from '../../components/PageHeader.js';
import { fmtChange, fmtNumber } from '../../format.js';
import { useI18n } from '../../i18n/index.js';
import { useProject } from '../../session.js';
import type { DateRange, Filter } from '../../types.js';
import { cleanFilters, DateRangeField, EventSelect, Field, FiltersEditor, PropertySelect, ResultFrame, useEventNames, usePropertyNames, useQueryRunner } from './common.js';
import { ResultToolbar } from './Toolbar.js';

interface Change { relative: number | null; percentagePoints: number | null }
interface Line { letter: string; name: string; breakdownValue?: string; values: (number | null)[]; aggregate: number | null; compare?: Record<string, { values: (number | null)[]; aggregate: number | null; change: Change }> }
export interface TrendsResult { buckets: { label: string; start: string }[]; series: Line[]; formula?: { lines: Line[] } }

const MATHS = ['total', 'unique_persons', 'dau', 'wau', 'mau', 'per_person_avg'];

export function trendsOption(r: TrendsResult, withCompare: boolean, dim: string): ChartOption {
  const lines = [...r.series, ...(r.formula?.lines ?? [])];
  const series: ChartOption['series'] = [];
  for (const l of lines) {
    const name = l.breakdownValue ? `${l.name} · ${l.breakdownValue}` : l.name;
    (series as object[]).push({ type: 'line', name, data: l.values, showSymbol: r.buckets.length < 40 });
    if (withCompare) for (const [kind, c] of Object.entries(l.compare ?? {})) (series as object[]).push({ type: 'line', name: `${name} (${kind === 'previous_year' ? '同比' : '环比'})`, data: c.values, lineStyle: { type: 'dashed', opacity: 0.6 }, showSymbol: false, itemStyle: { color: dim } });
  }
  return {
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 48, right: 16, top: 16, bottom: 48 },
    xAxis: { type: 'category', data: r.buckets.map((b) => b.label) },
    yAxis: { type: 'value' },
    series,
  };
}

export function TrendsBuilder() {
  const { t, lang } = useI18n();
  const { project } = useProject();
  const events = useEventNames(project.id);
  const props = usePropertyNames(project.id);
  const [range, setRange] = useState<DateRange>('last_30_days');
  const [series, setSeries] = useState<{ event: string; math: string }[]>([{ event: '', math: 'total' }]);
  const [interval, setInterval] = useState('day');
  const [filters, setFilters] = useState<Filter[]>([]);
  const [breakdown, setBreakdown] = useState<string | undefined>();
  const [compare, setCompare] = useState<string[]>([]);
  const runner = useQueryRunner<TrendsResult>(project.id);
  const chart = useRef<ChartHandle>(null);
  const spec = useMemo(() => ({
    kind: 'trends',
    dateRange: range,
    interval,
    series: series.filter((s) => s.event).map((s) => ({ event: s.event, math: s.math })),
    filters: cleanFilters(filters),
    ...(breakdown ? { breakdown: { property: breakdown } } : {}),
    compare,
  }), [range, interval, series, filters, breakdown, compare]);
  const r = runner.result;
  const option = useMemo(() => (r ? trendsOption(r, compare.length > 0, '#aaa') : null), [r, compare.length]);
  const mathLabel = (m: string) => ({ total: lang === 'zh-CN' ? '总次数' : 'Total', unique_persons: lang === 'zh-CN' ? '人数' : 'Unique persons', dau: 'DAU', wau: 'WAU', mau: 'MAU', per_person_avg: lang === 'zh-CN' ? '人均次数' : 'Per person' })[m] ?? m;

  return (
    <>
      <PageHeader title={t('nav.trends')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <Card>
            <Field label="an.dateRange"><DateRangeField value={range} onChange={setRange} /></Field>
            <Field label="an.events">
              <Space direction="vertical" style={{ width: '100%' }}>
                {series.map((s, i) => (
                  <Space key={i} wrap>
                    <b>{String.fromCharCode(65 + i)}</b>
                    <EventSelect events={events.data} value={s.event} width={180} onChange={(event) => setSeries(series.map((x, k) => (k === i ? { ...x, event } : x)))} />
                    <Select aria-label={t('an.math')} style={{ width: 130 }} value={s.math} onChange={(math) => setSeries(series.map((x, k) => (k === i ? { ...x, math } : x)))} options={MATHS.map((m) => ({ value: m, label: mathLabel(m) }))} />
                    {series.length > 1 && <Button type="text" onClick={() => setSeries(series.filter((_, k) => k !== i))}>×</Button>}
                  </Space>
                ))}
                {series.length < 5 && <Button size="small" onClick={() => setSeries([...series, { event: '', math: 'total' }])}>+ {t('an.addSeries')}</Button>}
              </Space>
            </Field>
            <Field label="an.interval">
              <Select style={{ width: 120 }} value={interval} onChange={setInterval} options={['hour', 'day', 'week', 'month'].map((i) => ({ value: i, label: t(`an.${i}` as 'an.day') }))} />
            </Field>
            <Field label="an.filters"><FiltersEditor value={filters} onChange={setFilters} properties={props.data} /></Field>
            <Field label="an.breakdown"><PropertySelect properties={props.data} value={breakdown} onChange={setBreakdown} /></Field>
            <Field label="an.compare">
              <Checkbox.Group value={compare} onChange={(v) => setCompare(v as string[])} options={[{ value: 'previous_period', label: t('an.compare.previous') }, { value: 'previous_year', label: t('an.compare.year') }]} />
            </Field>
            <Button type="primary" block disabled={!spec.series.length} loading={runner.loading} onClick={() => runner.run(spec)}>{t('common.run')}</Button>
          </Card>
        </Col>
        <Col xs={24} lg={16}>
          <Card extra={r && <ResultToolbar name="trends" spec={spec} chart={chart} rows={() => [['series', ...r.buckets.map((b) => b.label)], ...r.series.map((l) => [l.breakdownValue ? `${l.name} · ${l.breakdownValue}` : l.name, ...l.values])]} />}>
            <ResultFrame runner={runner as never} kind="trends" empty={!!r && r.series.every((l) => l.values.every((v) => !v))}>
              {r && option && (
                <>
                  <Chart ref={chart} option={option} ariaLabel={t('nav.trends')} />
                  <Table
                    size="small"
                    rowKey={(l) => `${l.letter}-${l.breakdownValue ?? ''}`}
                    pagination={false}
                    scroll={{ x: true }}
                    dataSource={r.series}
                    columns={[
                      { title: t('an.event'), render: (_, l) => (l.breakdownValue ? `${l.name} · ${l.breakdownValue}` : l.name) },
                      { title: t('dash.actual'), align: 'right', render: (_, l) => fmtNumber(l.aggregate, lang, 2) },
                      ...(compare.includes('previous_period') ? [{ title: t('dash.pop'), align: 'right' as const, render: (_: unknown, l: Line) => fmtChange(l.compare?.previous_period?.change.relative, lang) }] : []),
                      ...(compare.includes('previous_year') ? [{ title: t('dash.yoy'), align: 'right' as const, render: (_: unknown, l: Line) => fmtChange(l.compare?.previous_year?.change.relative, lang) }] : []),
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
