import { DeleteOutlined, InfoCircleOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Form, Input, InputNumber, Modal, Popconfirm, Popover, Row, Segmented, Select, Space, Switch, Table, Tag, Typography, message } from 'antd';
import { useState, type ReactNode } from 'react';
import { ApiError, api, del, get } from '../api.js';
import { PageHeader } from '../components/PageHeader.js';
import { EmptyState, ErrorState, Loading } from '../components/States.js';
import { useLoad } from '../components/useLoad.js';
import { useI18n, type MessageKey } from '../i18n/index.js';
import { useProject } from '../session.js';
import { EventSelect, useEventNames, type EventName } from './analyses/common.js';
import { pick } from './GoalCards.js';

type Bi = { 'zh-CN': string; 'en-US': string };

/** A metric of the dictionary as `GET /api/projects/:id/metrics` returns it (docs/metrics.md). */
export interface MetricDef {
  key: string;
  name: string | Bi;
  description?: string | Bi;
  source?: 'builtin' | 'project' | 'override';
  unit?: string;
  format?: string;
  direction?: 'higher_is_better' | 'lower_is_better';
  countingUnit?: string;
  owner?: string;
  isRate?: boolean;
  cumulative?: boolean;
  formula?: string | Bi;
  definition?: Definition;
}

interface Series { event: string; math: string; property?: string }
interface Step { event: string }
type Definition =
  | { kind: 'formula'; formula: string }
  | { kind: 'trends'; series: Series[]; formula?: string }
  | { kind: 'funnel'; steps: Step[]; window: { value: number; unit: string } }
  | ({ kind: string } & Record<string, unknown>);

export function metricName(m: MetricDef, lang: 'zh-CN' | 'en-US'): string {
  return typeof m.name === 'string' ? m.name : m.name[lang] || m.key;
}

export function useDictionary(projectId: string) {
  return useLoad((signal) => get<{ metrics: MetricDef[]; reportMetrics?: string[] | null }>(`/api/projects/${projectId}/metrics`, { signal }), [projectId]);
}

/**
 * The definition of a number, next to it: name, key, the formula in the user's language and
 * the description, in a popover opened by hover, click or keyboard focus.
 */
export function MetricInfo({ name, metricKey, formula, description }: { name: string; metricKey: string; formula?: string | Bi | null; description?: string | Bi | null }) {
  const { t, lang } = useI18n();
  const f = pick(formula ?? undefined, lang);
  const d = pick(description ?? undefined, lang);
  return (
    <Popover
      trigger={['hover', 'click']}
      title={<span>{name} <Typography.Text code style={{ fontSize: 11 }}>{metricKey}</Typography.Text></span>}
      content={
        <div style={{ maxWidth: 320, fontSize: 13 }} data-testid="metric-definition">
          <div><Typography.Text type="secondary">{t('metrics.definition')}: </Typography.Text>{f || '—'}</div>
          {d && <div style={{ marginTop: 6 }}>{d}</div>}
        </div>
      }
    >
      <Button type="text" size="small" aria-label={t('metrics.showDefinition', { name })} icon={<InfoCircleOutlined style={{ color: '#999' }} />} style={{ width: 20, height: 20, minWidth: 20, padding: 0 }} />
    </Popover>
  );
}

const KINDS_IN_FORM = ['formula', 'trends', 'funnel'] as const;
const ALL_KINDS = ['formula', 'trends', 'funnel', 'retention', 'channels', 'nps'] as const;
const MATHS = ['total', 'unique_persons', 'first_time', 'repeat_persons', 'dau', 'wau', 'mau', 'sum', 'avg', 'per_person_avg'] as const;
const FORMATS = ['number', 'percent', 'currency', 'duration'] as const;
const COUNTING_UNITS = ['persons', 'events', 'orders', 'currency', 'sessions', 'responses', 'impressions', 'clicks'] as const;
const WINDOW_UNITS = ['minute', 'hour', 'day', 'week', 'month'] as const;

/** A starting definition per kind (what the form shows when the kind is switched). */
function starter(kind: string): Definition {
  switch (kind) {
    case 'trends': return { kind, series: [{ event: '', math: 'total' }] };
    case 'funnel': return { kind, steps: [{ event: '' }, { event: '' }], window: { value: 7, unit: 'day' } };
    case 'retention': return { kind, startEvent: { event: '$any' }, returnEvent: { event: '$any' }, interval: 7 };
    case 'channels': return { kind, measure: 'spend' };
    case 'nps': return { kind, event: 'survey_response', property: 'score' };
    default: return { kind: 'formula', formula: '' };
  }
}

interface MetaFields {
  key: string;
  name: Bi;
  description: Bi;
  unit: string;
  format: string;
  direction: string;
  countingUnit: string;
  owner: string;
  isRate: boolean;
  cumulative: boolean;
}

/** Server errors (`details.path`, `details.problems`) by field path, e.g. `name.zh-CN`, `definition.formula`. */
function fieldErrors(e: unknown): Record<string, string> | null {
  if (!(e instanceof ApiError) || !['metric_invalid', 'invalid_input', 'metric_cycle'].includes(e.code)) return null;
  const out: Record<string, string> = {};
  const problems = (e.details.problems as { path: string; problem: string }[] | undefined) ?? [];
  if (typeof e.details.path === 'string') out[e.details.path] = e.message;
  for (const p of problems.slice(1)) out[p.path] ??= p.problem;
  if (e.code === 'metric_cycle') out['definition.formula'] = e.message;
  return Object.keys(out).length ? out : null;
}

/**
 * Creates or edits a project metric: the common fields, then the definition either in a form
 * (formula over other keys, trends series, funnel steps and window) or as JSON for any kind.
 * Server validation errors land on the field they name.
 */
function MetricEditor({ projectId, initial, keys, onClose, onSaved }: { projectId: string; initial: MetricDef | null; keys: string[]; onClose(): void; onSaved(): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<MetaFields>();
  const editing = !!initial;
  const [def, setDef] = useState<Definition>(initial?.definition ?? starter('formula'));
  const [mode, setMode] = useState<'form' | 'json'>(KINDS_IN_FORM.includes(def.kind as 'formula') ? 'form' : 'json');
  const [json, setJson] = useState(() => JSON.stringify(def, null, 2));
  const [defErrors, setDefErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const events = useEventNames(projectId);

  const switchMode = (m: 'form' | 'json') => {
    if (m === 'json') setJson(JSON.stringify(def, null, 2));
    else {
      try {
        const parsed = JSON.parse(json) as Definition;
        if (!KINDS_IN_FORM.includes(parsed.kind as 'formula')) {
          setDefErrors({ json: t('metrics.jsonOnlyKind', { kind: String(parsed.kind) }) });
          return;
        }
        setDef(parsed);
      } catch (e) {
        setDefErrors({ json: `${t('metrics.badJson')}: ${(e as Error).message}` });
        return;
      }
    }
    setDefErrors({});
    setMode(m);
  };

  const save = async (meta: MetaFields) => {
    let definition: Definition = def;
    if (mode === 'json') {
      try {
        definition = JSON.parse(json) as Definition;
      } catch (e) {
        setDefErrors({ json: `${t('metrics.badJson')}: ${(e as Error).message}` });
        return;
      }
    }
    setBusy(true);
    setError(null);
    setDefErrors({});
    try {
      const { key, ...rest } = meta;
      await api('PUT', `/api/projects/${projectId}/metrics/${encodeURIComponent(key)}`, { ...rest, owner: rest.owner ?? '', definition });
      void message.success(t('common.saved'));
      onSaved();
    } catch (e) {
      const fields = fieldErrors(e);
      if (!fields) {
        setError(e);
        return;
      }
      const metaErrors = Object.entries(fields).filter(([p]) => !p.startsWith('definition') && p !== '(root)');
      form.setFields(metaErrors.map(([p, msg]) => ({ name: p.split('.') as never, errors: [msg] })));
      const defs = Object.fromEntries(Object.entries(fields).filter(([p]) => p.startsWith('definition')).map(([p, msg]) => [mode === 'json' ? 'json' : p.replace(/^definition\.?/, ''), msg]));
      setDefErrors(defs);
      if (!metaErrors.length && !Object.keys(defs).length) setError(e);
    } finally {
      setBusy(false);
    }
  };

  const defErr = (path: string) => (defErrors[path] ? { validateStatus: 'error' as const, help: defErrors[path] } : {});
  const shown = new Set<string>();
  const track = (path: string) => {
    shown.add(path);
    return defErr(path);
  };

  const trackAny = (paths: string[]) => {
    paths.forEach((p) => shown.add(p));
    const p = paths.find((x) => defErrors[x]);
    return p ? defErr(p) : {};
  };

  const definitionForm = (): ReactNode => {
    if (def.kind === 'formula') {
      const d = def as { kind: 'formula'; formula: string };
      return (
        <>
          <Form.Item label={t('metrics.formula')} extra={t('metrics.formulaHint')} {...track('formula')} style={{ marginBottom: 8 }}>
            <Input aria-label={t('metrics.formula')} data-testid="metric-formula" value={d.formula} placeholder="gmv / orders" onChange={(e) => setDef({ ...d, formula: e.target.value })} />
          </Form.Item>
          <Select size="small" showSearch placeholder={t('metrics.insertKey')} style={{ width: 220 }} value={null} aria-label={t('metrics.insertKey')}
            options={keys.map((k) => ({ value: k, label: k }))} onChange={(k: string) => setDef({ ...d, formula: `${d.formula}${d.formula && !d.formula.endsWith(' ') ? ' ' : ''}${k}` })} />
        </>
      );
    }
    if (def.kind === 'trends') {
      const d = def as { kind: 'trends'; series: Series[]; formula?: string };
      const setSeries = (i: number, s: Partial<Series>) => setDef({ ...d, series: d.series.map((x, j) => (j === i ? { ...x, ...s } : x)) });
      return (
        <>
          {d.series.map((s, i) => (
            <Form.Item key={i} label={`${t('metrics.series')} ${String.fromCharCode(65 + i)}`} {...trackAny([`series.${i}.event`, `series.${i}.property`, `series.${i}.math`, `series.${i}`])}>
              <Space wrap>
                <EventSelect events={events.data as EventName[] | undefined} value={s.event} onChange={(v) => setSeries(i, { event: v })} width={180} label={`${t('an.event')} ${String.fromCharCode(65 + i)}`} />
                <Select aria-label={`${t('an.math')} ${String.fromCharCode(65 + i)}`} style={{ width: 170 }} value={s.math} onChange={(v: string) => setSeries(i, { math: v })} options={MATHS.map((m) => ({ value: m, label: t(`metrics.math.${m}` as MessageKey) }))} />
                {['sum', 'avg'].includes(s.math) && <Input aria-label={`${t('an.property')} ${String.fromCharCode(65 + i)}`} style={{ width: 130 }} placeholder="revenue" value={s.property ?? ''} onChange={(e) => setSeries(i, { property: e.target.value || undefined })} />}
                {d.series.length > 1 && <Button type="text" aria-label={t('common.remove')} icon={<MinusCircleOutlined />} onClick={() => setDef({ ...d, series: d.series.filter((_, j) => j !== i) })} />}
              </Space>
            </Form.Item>
          ))}
          {d.series.length < 4 && <Button size="small" icon={<PlusOutlined />} onClick={() => setDef({ ...d, series: [...d.series, { event: '', math: 'total' }] })} style={{ marginBottom: 12 }}>{t('an.addSeries')}</Button>}
          <Form.Item label={t('metrics.seriesFormula')} extra={t('metrics.seriesFormulaHint')} {...track('formula')}>
            <Input aria-label={t('metrics.seriesFormula')} placeholder="A / B" value={d.formula ?? ''} onChange={(e) => setDef({ ...d, ...(e.target.value ? { formula: e.target.value } : { formula: undefined }) })} />
          </Form.Item>
        </>
      );
    }
    if (def.kind === 'funnel') {
      const d = def as { kind: 'funnel'; steps: Step[]; window: { value: number; unit: string } };
      return (
        <>
          {d.steps.map((s, i) => (
            <Form.Item key={i} label={t('an.step', { n: i + 1 })} {...track(`steps.${i}.event`)}>
              <Space>
                <EventSelect events={events.data as EventName[] | undefined} value={s.event} onChange={(v) => setDef({ ...d, steps: d.steps.map((x, j) => (j === i ? { ...x, event: v } : x)) })} width={220} label={t('an.step', { n: i + 1 })} />
                {d.steps.length > 2 && <Button type="text" aria-label={t('common.remove')} icon={<MinusCircleOutlined />} onClick={() => setDef({ ...d, steps: d.steps.filter((_, j) => j !== i) })} />}
              </Space>
            </Form.Item>
          ))}
          {defErrors.steps && <Alert type="error" showIcon message={defErrors.steps} style={{ marginBottom: 8 }} />}
          {d.steps.length < 10 && <Button size="small" icon={<PlusOutlined />} onClick={() => setDef({ ...d, steps: [...d.steps, { event: '' }] })} style={{ marginBottom: 12 }}>{t('an.addStep')}</Button>}
          <Form.Item label={t('an.window')} {...track('window.value')}>
            <Space>
              <InputNumber aria-label={t('an.window')} min={1} max={10000} value={d.window?.value ?? 7} onChange={(v) => setDef({ ...d, window: { ...(d.window ?? { unit: 'day' }), value: v ?? 1 } })} />
              <Select aria-label={t('metrics.windowUnit')} style={{ width: 110 }} value={d.window?.unit ?? 'day'} onChange={(u: string) => setDef({ ...d, window: { ...(d.window ?? { value: 7 }), unit: u } })} options={WINDOW_UNITS.map((u) => ({ value: u, label: t(`an.${u}` as MessageKey) }))} />
            </Space>
          </Form.Item>
        </>
      );
    }
    return null;
  };

  const formPart = mode === 'form' ? definitionForm() : null;
  shown.add('steps');
  const leftover = Object.entries(defErrors).filter(([p]) => !shown.has(p) && p !== 'json');

  return (
    <Modal open title={editing ? t('metrics.editTitle', { key: initial.key }) : t('metrics.new')} onCancel={onClose} width={760} destroyOnHidden
      footer={[<Button key="c" onClick={onClose}>{t('common.cancel')}</Button>, <Button key="s" type="primary" loading={busy} data-testid="save-metric" onClick={() => form.submit()}>{t('common.save')}</Button>]}>
      <Form<MetaFields>
        form={form}
        layout="vertical"
        onFinish={save}
        initialValues={{
          key: initial?.key ?? '',
          name: typeof initial?.name === 'object' ? initial.name : { 'zh-CN': initial?.name ?? '', 'en-US': initial?.name ?? '' },
          description: typeof initial?.description === 'object' ? initial.description : { 'zh-CN': '', 'en-US': '' },
          unit: initial?.unit ?? '',
          format: initial?.format ?? 'number',
          direction: initial?.direction ?? 'higher_is_better',
          countingUnit: initial?.countingUnit ?? 'persons',
          owner: initial?.owner ?? '',
          isRate: initial?.isRate ?? false,
          cumulative: initial?.cumulative ?? false,
        }}
      >
        <Row gutter={12}>
          <Col xs={24} sm={8}>
            <Form.Item name="key" label={t('metrics.key')} rules={[{ required: true, message: t('metrics.keyRequired') }, { pattern: /^[a-z][a-z0-9_]{0,62}$/, message: t('metrics.keyPattern') }]}>
              <Input disabled={editing} placeholder="orders_per_buyer" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item name={['name', 'zh-CN']} label={t('metrics.nameZh')} rules={[{ required: true, message: t('metrics.nameRequired') }]}><Input /></Form.Item>
          </Col>
          <Col xs={24} sm={8}>
            <Form.Item name={['name', 'en-US']} label={t('metrics.nameEn')} rules={[{ required: true, message: t('metrics.nameRequired') }]}><Input /></Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col xs={24} sm={12}><Form.Item name={['description', 'zh-CN']} label={t('metrics.descriptionZh')}><Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} /></Form.Item></Col>
          <Col xs={24} sm={12}><Form.Item name={['description', 'en-US']} label={t('metrics.descriptionEn')}><Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} /></Form.Item></Col>
        </Row>
        <Row gutter={12}>
          <Col xs={12} sm={6}><Form.Item name="unit" label={t('metrics.unit')} rules={[{ required: true, message: t('metrics.unitRequired') }]}><Input placeholder={t('metrics.unitPlaceholder')} /></Form.Item></Col>
          <Col xs={12} sm={6}><Form.Item name="format" label={t('metrics.format')}><Select options={FORMATS.map((f) => ({ value: f, label: t(`metrics.format.${f}` as MessageKey) }))} /></Form.Item></Col>
          <Col xs={12} sm={6}><Form.Item name="direction" label={t('metrics.direction')}><Select options={[{ value: 'higher_is_better', label: t('metrics.higher') }, { value: 'lower_is_better', label: t('metrics.lower') }]} /></Form.Item></Col>
          <Col xs={12} sm={6}><Form.Item name="countingUnit" label={t('metrics.countingUnit')}><Select options={COUNTING_UNITS.map((u) => ({ value: u, label: t(`metrics.cu.${u}` as MessageKey) }))} /></Form.Item></Col>
        </Row>
        <Row gutter={12}>
          <Col xs={24} sm={12}><Form.Item name="owner" label={t('goals.owner')}><Input /></Form.Item></Col>
          <Col xs={12} sm={6}><Form.Item name="isRate" label={t('metrics.isRate')} valuePropName="checked" tooltip={t('metrics.isRateHint')}><Switch /></Form.Item></Col>
          <Col xs={12} sm={6}><Form.Item name="cumulative" label={t('metrics.cumulative')} valuePropName="checked" tooltip={t('metrics.cumulativeHint')}><Switch /></Form.Item></Col>
        </Row>
      </Form>
      <Card size="small" title={t('metrics.definition')} extra={
        <Space wrap>
          {mode === 'form' && (
            <Select aria-label={t('metrics.kind')} size="small" style={{ width: 150 }} value={def.kind} onChange={(k: string) => { setDef(starter(k)); setDefErrors({}); if (!KINDS_IN_FORM.includes(k as 'formula')) { setJson(JSON.stringify(starter(k), null, 2)); setMode('json'); } }}
              options={ALL_KINDS.map((k) => ({ value: k, label: t(`metrics.kind.${k}` as MessageKey) }))} />
          )}
          <Segmented<'form' | 'json'> size="small" value={mode} onChange={switchMode} options={[{ value: 'form', label: t('metrics.mode.form') }, { value: 'json', label: 'JSON' }]} />
        </Space>
      }>
        <Form layout="vertical" component="div">
          {mode === 'form' ? formPart : (
            <Form.Item label={t('metrics.jsonLabel')} extra={t('metrics.jsonHint')} {...defErr('json')}>
              <Input.TextArea aria-label={t('metrics.jsonLabel')} data-testid="metric-json" value={json} onChange={(e) => setJson(e.target.value)} autoSize={{ minRows: 6, maxRows: 18 }} style={{ fontFamily: 'monospace', fontSize: 12 }} spellCheck={false} />
            </Form.Item>
          )}
          {leftover.map(([p, msg]) => <Alert key={p} type="error" showIcon message={msg} style={{ marginTop: 8 }} />)}
        </Form>
      </Card>
      {!!error && <div style={{ marginTop: 12 }}><ErrorState error={error} /></div>}
    </Modal>
  );
}

/** A unit in the user's language when it is one of the dictionary's usual ones (persons, currency…). */
export function unitLabel(unit: string | undefined, t: (k: MessageKey) => string, currency: string): string {
  if (!unit) return '';
  if (unit === 'currency') return currency;
  if ((COUNTING_UNITS as readonly string[]).includes(unit)) return t(`metrics.cu.${unit}` as MessageKey);
  if (unit === 'score') return t('metrics.unit.score');
  return unit;
}

const SOURCE_COLOR = { builtin: 'default', project: 'blue', override: 'gold' } as const;

export function MetricsPage() {
  const { t, lang } = useI18n();
  const { project, canEdit } = useProject();
  const metrics = useDictionary(project.id);
  const [editing, setEditing] = useState<MetricDef | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const remove = async (m: MetricDef) => {
    setError(null);
    try {
      await del(`/api/projects/${project.id}/metrics/${encodeURIComponent(m.key)}`);
      metrics.reload();
    } catch (e) {
      setError(e);
    }
  };
  const list = metrics.data?.metrics ?? [];
  return (
    <>
      <PageHeader title={t('nav.metrics')} extra={canEdit ? <Button type="primary" icon={<PlusOutlined />} data-testid="new-metric" onClick={() => setEditing('new')}>{t('metrics.new')}</Button> : <Tag>{t('metrics.readOnly')}</Tag>} />
      {!!error && <div style={{ marginBottom: 12 }}><ErrorState error={error} /></div>}
      <Card>
        {metrics.loading ? <Loading /> : metrics.error ? <ErrorState error={metrics.error} onRetry={metrics.reload} api="GET /api/projects/:id/metrics" /> : !list.length ? <EmptyState text={t('metrics.empty')} /> : (
          <Table<MetricDef> size="small" rowKey="key" pagination={{ pageSize: 50, hideOnSinglePage: true }} scroll={{ x: true }} dataSource={list}
            expandable={{ expandedRowRender: (m) => (
              <div style={{ fontSize: 12 }}>
                {pick(m.description, lang) && <p style={{ margin: '0 0 8px' }}>{pick(m.description, lang)}</p>}
                <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify(m.definition, null, 2)}</pre>
              </div>
            ) }}
            columns={[
              { title: t('common.name'), render: (_, m) => metricName(m, lang) },
              { title: t('metrics.key'), dataIndex: 'key', render: (k: string) => <Typography.Text code style={{ whiteSpace: 'nowrap' }}>{k}</Typography.Text> },
              { title: t('metrics.definition'), render: (_, m) => <span style={{ display: 'inline-block', maxWidth: 420 }}>{pick(m.formula, lang) || pick(m.description, lang)}</span>, responsive: ['md'] },
              { title: t('metrics.unit'), render: (_, m) => unitLabel(m.unit, t, project.currency), responsive: ['sm'] },
              { title: t('metrics.direction'), render: (_, m) => <span style={{ whiteSpace: 'nowrap' }}>{m.direction === 'lower_is_better' ? t('metrics.lower') : t('metrics.higher')}</span>, responsive: ['lg'] },
              { title: t('metrics.source'), render: (_, m) => (m.source ? <Tag color={SOURCE_COLOR[m.source]}>{t(`metrics.source.${m.source}`)}</Tag> : null), responsive: ['sm'] },
              ...(canEdit ? [{
                title: t('common.actions'),
                render: (_: unknown, m: MetricDef) => (
                  <Space size={0}>
                    <Button type="link" size="small" onClick={() => setEditing(m)} aria-label={`${t('common.edit')} ${m.key}`}>{t('common.edit')}</Button>
                    {m.source !== 'builtin' && (
                      <Popconfirm title={m.source === 'override' ? t('metrics.resetConfirm') : t('metrics.deleteConfirm')} okText={t('common.yes')} cancelText={t('common.no')} onConfirm={() => remove(m)}>
                        <Button type="link" size="small" danger icon={<DeleteOutlined />} aria-label={`${t('common.delete')} ${m.key}`}>{m.source === 'override' ? t('metrics.reset') : t('common.delete')}</Button>
                      </Popconfirm>
                    )}
                  </Space>
                ),
              }] : []),
            ]} />
        )}
      </Card>
      {editing && (
        <MetricEditor
          projectId={project.id}
          initial={editing === 'new' ? null : editing}
          keys={list.map((m) => m.key)}
          onClose={() => setEditing(null)}
          onSaved={() => { setEditing(null); metrics.reload(); }}
        />
      )}
    </>
  );
}
