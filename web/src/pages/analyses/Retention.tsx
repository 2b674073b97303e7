import { Button, Card, Col, InputNumber, Row, Select, Table } from 'antd';
import { useMemo, useState } from 'react';
import { PageHeader } from '../../components/PageHeader.js';
import { fmtNumber, fmtPercent } from '../../format.js';
import { useI18n } from '../../i18n/index.js';
import { useProject } from '../../session.js';
import type { DateRange } from '../../types.js';
import { DateRangeField, EventSelect, Field, ResultFrame, useEventNames, useQueryRunner } from './common.js';
import { ResultToolbar } from './Toolbar.js';

interface Cohort { start: string; size: number; values: (number | null)[] }
interface RetentionResult { cohorts: Cohort[]; average?: (number | null)[] }

function heat(p: number | null): string {
  if (p === null) return 'transparent';
  return `rgba(22, 104, 220, ${0.08 + 0.8 * Math.min(1, p)})`;
}

export function RetentionBuilder() {
  const { t, lang } = useI18n();
  const { project } = useProject();
  const events = useEventNames(project.id);
  const [range, setRange] = useState<DateRange>('last_90_days');
  const [start, setStart] = useState('');
  const [ret, setRet] = useState('');
  const [period, setPeriod] = useState('week');
  const [intervals, setIntervals] = useState(8);
  const [type, setType] = useState('first_time');
  const runner = useQueryRunner<RetentionResult>(project.id);
  const spec = useMemo(() => ({ kind: 'retention', dateRange: range, startEvent: { event: start }, returnEvent: { event: ret || start }, period, intervals, type, mode: 'classic' }), [range, start, ret, period, intervals, type]);
  const r = runner.result;
  const n = intervals + 1;
  return (
    <>
      <PageHeader title={t('nav.retention')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <Card>
            <Field label="an.dateRange"><DateRangeField value={range} onChange={setRange} /></Field>
            <Field label="an.startEvent"><EventSelect events={events.data} value={start} onChange={setStart} label={t('an.startEvent')} /></Field>
            <Field label="an.returnEvent"><EventSelect events={events.data} value={ret} onChange={setRet} label={t('an.returnEvent')} /></Field>
            <Field label="an.period"><Select style={{ width: 120 }} value={period} onChange={setPeriod} options={['day', 'week', 'month'].map((p) => ({ value: p, label: t(`an.${p}` as 'an.day') }))} /></Field>
            <Field label="an.intervals"><InputNumber aria-label={t('an.intervals')} min={1} max={52} value={intervals} onChange={(v) => setIntervals(v ?? 8)} /></Field>
            <Field label="an.retType"><Select style={{ width: 160 }} value={type} onChange={setType} options={['first_time', 'recurring', 'first_ever'].map((x) => ({ value: x, label: t(`an.retType.${x}` as 'an.retType.recurring') }))} /></Field>
            <Button type="primary" block disabled={!start} loading={runner.loading} onClick={() => runner.run(spec)}>{t('common.run')}</Button>
          </Card>
        </Col>
        <Col xs={24} lg={16}>
          <Card extra={r && <ResultToolbar name="retention" spec={spec} rows={() => [['cohort', 'size', ...Array.from({ length: n }, (_, k) => `${period}_${k}`)], ...r.cohorts.map((c) => [c.start, c.size, ...c.values])]} />}>
            <ResultFrame runner={runner as never} kind="retention" empty={!!r && r.cohorts.length === 0}>
              {r && (
                <Table<Cohort>
                  size="small"
                  rowKey="start"
                  pagination={false}
                  scroll={{ x: true }}
                  dataSource={r.cohorts}
                  columns={[
                    { title: t('an.cohort'), dataIndex: 'start', fixed: 'left' },
                    { title: t('an.size'), align: 'right', render: (_, c) => fmtNumber(c.size, lang) },
                    ...Array.from({ length: n }, (_, k) => ({
                      title: `${k}`,
                      align: 'center' as const,
                      render: (_: unknown, c: Cohort) => {
                        const v = c.values[k];
                        const p = v === null || v === undefined || !c.size ? null : v / c.size;
                        return <div style={{ background: heat(p), color: p !== null && p > 0.5 ? '#fff' : undefined, padding: '2px 4px', borderRadius: 3 }}>{p === null ? '' : fmtPercent(p, lang, 0)}</div>;
                      },
                    })),
                  ]}
                />
              )}
            </ResultFrame>
          </Card>
        </Col>
      </Row>
    </>
  );
}
