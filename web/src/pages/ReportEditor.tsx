import { App, Button, Card, Col, DatePicker, Dropdown, Input, InputNumber, List, Popconfirm, Row, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { ApiError, del, get, patch, post } from '../api.js';
import { download } from '../components/Chart.js';
import { PageHeader } from '../components/PageHeader.js';
import { ErrorState, Loading } from '../components/States.js';
import { useLoad } from '../components/useLoad.js';
import { fmtChange, fmtDate } from '../format.js';
import { useI18n } from '../i18n/index.js';
import { Link } from '../router.js';
import { useProject } from '../session.js';
import { fmtValue } from './GoalCards.js';

interface Card3 { id: string; category: string; problem: string; reflection: string; improvement: string }
interface Lesson { id: string; kind: 'keep' | 'change'; text: string }
interface Ice { impact: number; confidence: number; ease: number; method: 'average' | 'product'; score: number }
interface Action { id: string; action: string; owner: string | null; deadline: string | null; metricKey: string | null; baseline: number | null; target: number | null; ice: Ice | null }
interface Risk { id: string; text: string; owner: string | null }
interface MetricResult { key: string; name: string; value: number | null; format: string; isRate: boolean; previousPeriod: { relative: number | null; percentagePoints: number | null }; previousYear: { relative: number | null; percentagePoints: number | null } }
interface Report {
  status: 'draft' | 'published';
  period: { label: string };
  dataReadAt: string;
  summary?: { headline: MetricResult[] };
  goals?: { id: string; metricName: string; period?: string; dimension?: { property: string; value: string } | null; actual: number | null; target: number; attainment: number | null; status: string; format: string }[];
  causes: { findings: { sentence: string; method: string }[]; nothingSignificant: boolean; reflections: Card3[] };
  lessons: Lesson[];
  actions: Action[];
  followUp?: { actionId: string; action: string; evidence: string; targetMet: boolean | null }[];
  risks: { written: Risk[]; computed: { kind: string; text: string }[] };
}

const uid = () => `new-${Math.random().toString(36).slice(2, 10)}`;
const iceScore = (i: Omit<Ice, 'score'>) => (i.method === 'product' ? i.impact * i.confidence * i.ease : Math.round(((i.impact + i.confidence + i.ease) / 3) * 10) / 10);

export function ReportEditor({ period }: { period: string }) {
  const { t, lang } = useI18n();
  const { project, canEdit } = useProject();
  const { message } = App.useApp();
  const base = `/api/projects/${project.id}/reports/${encodeURIComponent(period)}`;
  const loaded = useLoad((signal) => get<Report>(`${base}?format=json&lang=${lang}`, { signal }), [base, lang]);
  const [draft, setDraft] = useState<Report | null>(null);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (loaded.data) { setDraft(loaded.data); setDirty(false); } }, [loaded.data]);
  if (loaded.loading && !draft) return <Loading />;
  if (loaded.error || !draft) return <><Link to={`/p/${project.id}/reports`}>← {t('reports.back')}</Link><div style={{ marginTop: 12 }}><ErrorState error={loaded.error} onRetry={loaded.reload} api="GET /api/projects/:id/reports/:reportId" /></div></>;
  const editable = canEdit && draft.status === 'draft';
  const update = (fn: (r: Report) => Report) => { setDraft(fn(draft)); setDirty(true); };
  const save = async () => {
    setBusy(true);
    try {
      await saveItems(base, loaded.data!, draft);
      setDirty(false);
      loaded.reload();
      void message.success(t('common.saved'));
    } catch (e) { void message.error((e as Error).message); } finally { setBusy(false); }
  };
  const publish = async () => {
    setBusy(true);
    try { if (dirty) await save(); await post(`${base}/publish`); loaded.reload(); } catch (e) { void message.error((e as Error).message); } finally { setBusy(false); }
  };
  const exportAs = async (format: string) => {
    try {
      const res = await fetch(`${base}?format=${format}&lang=${lang}&download=1`, { credentials: 'same-origin' });
      if (!res.ok) throw new ApiError(res.status, 'export', (await res.json().catch(() => null))?.error?.message ?? res.statusText);
      const blob = await res.blob();
      download(`${project.id}-${draft.period.label}.${format}`, await blobToDataUrl(blob));
    } catch (e) { void message.error((e as Error).message); }
  };
  const reflections = draft.causes.reflections;
  const setReflections = (r: Card3[]) => update((d) => ({ ...d, causes: { ...d.causes, reflections: r } }));
  return (
    <>
      <Link to={`/p/${project.id}/reports`}>← {t('reports.back')}</Link>
      <PageHeader
        title={`${t('nav.reports')} · ${draft.period.label}`}
        sub={<>{draft.status === 'published' ? <Tag color="green">{t('reports.published')}</Tag> : <Tag>{t('reports.draft')}</Tag>} {fmtDate(draft.dataReadAt, lang, true)}</>}
        extra={<Space wrap>
          {editable && <Button onClick={save} loading={busy} disabled={!dirty} data-testid="save-report">{t('common.save')}</Button>}
          {editable && <Popconfirm title={t('reports.publishConfirm')} okText={t('common.yes')} cancelText={t('common.no')} onConfirm={publish}><Button type="primary" loading={busy} data-testid="publish-report">{t('reports.publish')}</Button></Popconfirm>}
          <Dropdown trigger={['click']} menu={{ items: ['md', 'html', 'pdf'].map((f) => ({ key: f, label: f.toUpperCase() })), onClick: (e) => void exportAs(e.key) }}><Button data-testid="export-report">{t('reports.export')}</Button></Dropdown>
        </Space>}
      />
      <Card title={t('reports.computed')} size="small" style={{ marginBottom: 16 }}>
        <Row gutter={[12, 12]}>
          {(draft.summary?.headline ?? []).map((m) => (
            <Col xs={12} md={6} key={m.key}><Card size="small"><div style={{ color: '#888', fontSize: 12 }}>{m.name}</div><div style={{ fontSize: 20, fontWeight: 600 }}>{fmtValue(m.value, m.format, lang)}</div>
              <div style={{ fontSize: 12 }}>{t('dash.pop')} {fmtChange(m.isRate ? m.previousPeriod.percentagePoints : m.previousPeriod.relative, lang, m.isRate ? 'pp' : 'relative')}</div></Card></Col>
          ))}
        </Row>
        {!!draft.goals?.length && <Table size="small" style={{ marginTop: 12 }} rowKey="id" pagination={false} scroll={{ x: true }} dataSource={draft.goals} columns={[
          { title: t('goals.metric'), render: (_, g) => (g.dimension ? `${g.metricName} (${g.dimension.property} = ${g.dimension.value})` : g.metricName) },
          { title: t('period.label'), render: (_, g) => g.period ?? '—' },
          { title: t('dash.actual'), align: 'right', render: (_, g) => fmtValue(g.actual, g.format, lang) },
          { title: t('dash.target'), align: 'right', render: (_, g) => fmtValue(g.target, g.format, lang) },
          { title: t('dash.attainment'), align: 'right', render: (_, g) => fmtValue(g.attainment, 'percent', lang) },
          { title: t('common.status'), render: (_, g) => t(`goal.${g.status}` as 'goal.behind') },
        ]} />}
        <List size="small" style={{ marginTop: 12 }} dataSource={draft.causes.findings} locale={{ emptyText: draft.causes.nothingSignificant ? '—' : ' ' }} renderItem={(f) => <List.Item><span>{f.sentence} <Typography.Text type="secondary">({f.method})</Typography.Text></span></List.Item>} />
        {!!draft.followUp?.length && <List size="small" header={<b>{lang === 'zh-CN' ? '上期跟进' : 'Follow-up'}</b>} dataSource={draft.followUp} renderItem={(f) => <List.Item>{f.action}: {f.evidence}</List.Item>} />}
      </Card>
      <Card title={t('reports.reflections')} size="small" style={{ marginBottom: 16 }} extra={editable && <Button size="small" onClick={() => setReflections([...reflections, { id: uid(), category: '', problem: '', reflection: '', improvement: '' }])}>+ {t('reports.addCard')}</Button>}>
        <Row gutter={[12, 12]}>
          {reflections.map((c, i) => (
            <Col xs={24} md={12} xl={8} key={c.id}><Card size="small" data-testid="reflection-card" extra={editable && <Button type="text" size="small" onClick={() => setReflections(reflections.filter((_, k) => k !== i))}>×</Button>}>
              {(['problem', 'reflection', 'improvement'] as const).map((f) => (
                <div key={f} style={{ marginBottom: 8 }}><Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(`reports.${f}`)}</Typography.Text>
                  <Input.TextArea aria-label={t(`reports.${f}`)} autoSize={{ minRows: 2 }} readOnly={!editable} value={c[f]} onChange={(e) => setReflections(reflections.map((x, k) => (k === i ? { ...x, [f]: e.target.value } : x)))} /></div>
              ))}
            </Card></Col>
          ))}
        </Row>
      </Card>
      <Card title={t('reports.lessons')} size="small" style={{ marginBottom: 16 }} extra={editable && <Button size="small" onClick={() => update((d) => ({ ...d, lessons: [...d.lessons, { id: uid(), kind: 'keep', text: '' }] }))}>+ {t('common.add')}</Button>}>
        {draft.lessons.map((l, i) => (
          <Space.Compact key={l.id} style={{ width: '100%', marginBottom: 8 }}>
            <Select disabled={!editable} style={{ width: 110 }} value={l.kind} onChange={(kind) => update((d) => ({ ...d, lessons: d.lessons.map((x, k) => (k === i ? { ...x, kind } : x)) }))} options={[{ value: 'keep', label: lang === 'zh-CN' ? '保持' : 'Keep' }, { value: 'change', label: lang === 'zh-CN' ? '改变' : 'Change' }]} />
            <Input readOnly={!editable} value={l.text} onChange={(e) => update((d) => ({ ...d, lessons: d.lessons.map((x, k) => (k === i ? { ...x, text: e.target.value } : x)) }))} />
          </Space.Compact>
        ))}
      </Card>
      <Card title={t('reports.actions')} size="small" style={{ marginBottom: 16 }} extra={editable && <Button size="small" onClick={() => update((d) => ({ ...d, actions: [...d.actions, { id: uid(), action: '', owner: null, deadline: null, metricKey: null, baseline: null, target: null, ice: { impact: 5, confidence: 5, ease: 5, method: 'average', score: 5 } }] }))}>+ {t('common.add')}</Button>}>
        <Table<Action> size="small" rowKey="id" pagination={false} scroll={{ x: 900 }} dataSource={draft.actions} columns={[
          { title: t('reports.action'), render: (_, a, i) => <Input readOnly={!editable} value={a.action} onChange={(e) => setAction(i, { action: e.target.value })} /> },
          { title: t('goals.owner'), width: 120, render: (_, a, i) => <Input readOnly={!editable} value={a.owner ?? ''} onChange={(e) => setAction(i, { owner: e.target.value || null })} /> },
          { title: t('reports.deadline'), width: 140, render: (_, a, i) => <DatePicker disabled={!editable} value={a.deadline ? dayjs(a.deadline) : null} onChange={(d) => setAction(i, { deadline: d ? d.format('YYYY-MM-DD') : null })} /> },
          ...(['impact', 'confidence', 'ease'] as const).map((k) => ({ title: t(`reports.${k}`), width: 80, render: (_: unknown, a: Action, i: number) => <InputNumber aria-label={t(`reports.${k}`)} disabled={!editable} min={1} max={10} value={a.ice?.[k] ?? 5} onChange={(v) => setIce(i, { [k]: v ?? 5 })} /> })),
          { title: t('reports.ice'), width: 64, align: 'right', render: (_, a) => a.ice?.score ?? '—' },
        ]} />
      </Card>
      <Card title={t('reports.risks')} size="small" extra={editable && <Button size="small" onClick={() => update((d) => ({ ...d, risks: { ...d.risks, written: [...d.risks.written, { id: uid(), text: '', owner: null }] } }))}>+ {t('common.add')}</Button>}>
        {draft.risks.computed.map((r, i) => <div key={i} style={{ marginBottom: 6 }}><Tag color="orange">{r.kind}</Tag>{r.text}</div>)}
        {draft.risks.written.map((r, i) => <Input key={r.id} style={{ marginBottom: 8 }} readOnly={!editable} value={r.text} onChange={(e) => update((d) => ({ ...d, risks: { ...d.risks, written: d.risks.written.map((x, k) => (k === i ? { ...x, text: e.target.value } : x)) } }))} />)}
      </Card>
    </>
  );

  function setAction(i: number, p: Partial<Action>) {
    update((d) => ({ ...d, actions: d.actions.map((x, k) => (k === i ? { ...x, ...p } : x)) }));
  }
  function setIce(i: number, p: Partial<Ice>) {
    update((d) => ({ ...d, actions: d.actions.map((x, k) => {
      if (k !== i) return x;
      const ice = { impact: 5, confidence: 5, ease: 5, method: 'average' as const, ...x.ice, ...p };
      return { ...x, ice: { ...ice, score: iceScore(ice) } };
    }) }));
  }
}

/** The written parts are items on the server: new ones are posted, changed ones patched, removed ones deleted. */
async function saveItems(base: string, before: Report, after: Report): Promise<void> {
  const groups: { kind: string; before: { id: string }[]; after: { id: string }[]; body(x: never): Record<string, unknown> | null }[] = [
    { kind: 'reflection', before: before.causes.reflections, after: after.causes.reflections, body: (c: Card3) => (c.problem.trim() ? { category: c.category, problem: c.problem, reflection: c.reflection, improvement: c.improvement } : null) },
    { kind: 'lesson', before: before.lessons, after: after.lessons, body: (l: Lesson) => (l.text.trim() ? { kind: l.kind, text: l.text } : null) },
    { kind: 'action', before: before.actions, after: after.actions, body: (a: Action) => (a.action.trim() ? { action: a.action, owner: a.owner, deadline: a.deadline, metricKey: a.metricKey, baseline: a.baseline, target: a.target, ice: a.ice ? { impact: a.ice.impact, confidence: a.ice.confidence, ease: a.ice.ease, method: a.ice.method } : null } : null) },
    { kind: 'risk', before: before.risks.written, after: after.risks.written, body: (r: Risk) => (r.text.trim() ? { text: r.text, owner: r.owner } : null) },
  ];
  for (const g of groups) {
    const old = new Map(g.before.map((x) => [x.id, JSON.stringify(g.body(x as never))]));
    for (const x of g.after) {
      const body = g.body(x as never);
      if (x.id.startsWith('new-')) { if (body) await post(`${base}/items`, { kind: g.kind, ...body }); }
      else if (!body) await del(`${base}/items/${x.id}`);
      else if (old.get(x.id) !== JSON.stringify(body)) await patch(`${base}/items/${x.id}`, body);
    }
    const kept = new Set(g.after.map((x) => x.id));
    for (const x of g.before) if (!kept.has(x.id)) await del(`${base}/items/${x.id}`);
  }
}

function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(blob);
  });
}
