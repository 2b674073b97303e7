import { Button, DatePicker, Input, Select, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, get, post } from '../../api.js';
import { EmptyState, ErrorState, Loading } from '../../components/States.js';
import { useLoad } from '../../components/useLoad.js';
import { useI18n, type MessageKey } from '../../i18n/index.js';
import { fmtNumber } from '../../format.js';
import type { DateRange, Filter } from '../../types.js';

export const RELATIVE_RANGES = ['last_7_days', 'last_30_days', 'last_90_days', 'this_week', 'last_week', 'this_month', 'last_month', 'this_quarter', 'last_quarter'];

const RANGE_LABELS: Record<string, [string, string]> = {
  last_7_days: ['最近 7 天', 'Last 7 days'],
  last_30_days: ['最近 30 天', 'Last 30 days'],
  last_90_days: ['最近 90 天', 'Last 90 days'],
  this_week: ['本周', 'This week'],
  last_week: ['上周', 'Last week'],
  this_month: ['本月', 'This month'],
  last_month: ['上月', 'Last month'],
  this_quarter: ['本季度', 'This quarter'],
  last_quarter: ['上季度', 'Last quarter'],
  custom: ['自定义', 'Custom'],
};

export function DateRangeField({ value, onChange }: { value: DateRange; onChange(v: DateRange): void }) {
  const { lang, t } = useI18n();
  const isCustom = typeof value !== 'string';
  return (
    <Space wrap>
      <Select
        aria-label={t('an.dateRange')}
        style={{ width: 150 }}
        value={isCustom ? 'custom' : value}
        onChange={(v) => onChange(v === 'custom' ? { from: dayjs().subtract(13, 'day').format('YYYY-MM-DD'), to: dayjs().format('YYYY-MM-DD') } : v)}
        options={[...RELATIVE_RANGES, 'custom'].map((r) => ({ value: r, label: RANGE_LABELS[r]![lang === 'zh-CN' ? 0 : 1] }))}
      />
      {isCustom && (
        <DatePicker.RangePicker
          allowClear={false}
          value={[dayjs(value.from), dayjs(value.to)]}
          onChange={(d) => d?.[0] && d[1] && onChange({ from: d[0].format('YYYY-MM-DD'), to: d[1].format('YYYY-MM-DD') })}
        />
      )}
    </Space>
  );
}

export interface EventName {
  event: string;
  count: number;
}

/** The project's event names (most frequent first), loaded once per page. */
export function useEventNames(projectId: string) {
  return useLoad((signal) => get<{ events: EventName[] }>(`/api/projects/${projectId}/schema/events`, { signal }).then((r) => r.events), [projectId]);
}

export function usePropertyNames(projectId: string) {
  return useLoad((signal) => get<{ properties: { property: string }[] }>(`/api/projects/${projectId}/schema/properties`, { signal }).then((r) => r.properties.map((p) => p.property)), [projectId]);
}

export function EventSelect({ events, value, onChange, width = 220, label }: { events: EventName[] | undefined; value: string | undefined; onChange(v: string): void; width?: number; label?: string }) {
  const { t, lang } = useI18n();
  const [search, setSearch] = useState('');
  const names = (events ?? []).map((e) => e.event);
  const extra = [search, value].filter((x): x is string => !!x && !names.includes(x));
  return (
    <Select
      showSearch
      aria-label={label ?? t('an.event')}
      placeholder={t('an.pickEvent')}
      style={{ width, maxWidth: '100%' }}
      value={value || undefined}
      onSearch={setSearch}
      onChange={(v) => onChange(v)}
      notFoundContent={t('an.noEvents')}
      options={[...new Set(extra)].map((e) => ({ value: e, label: e })).concat(
        (events ?? []).map((e) => ({ value: e.event, label: `${e.event}  ·  ${fmtNumber(e.count, lang)}` })),
      )}
    />
  );
}

export function PropertySelect({ properties, value, onChange, placeholder }: { properties: string[] | undefined; value: string | undefined; onChange(v: string | undefined): void; placeholder?: string }) {
  const { t } = useI18n();
  return (
    <Select
      showSearch
      allowClear
      aria-label={placeholder ?? t('an.property')}
      placeholder={placeholder ?? t('an.property')}
      style={{ width: 180 }}
      value={value}
      onChange={(v) => onChange(v ?? undefined)}
      options={(properties ?? []).map((p) => ({ value: p, label: p }))}
    />
  );
}

const OPS = ['eq', 'neq', 'in', 'not_in', 'contains', 'not_contains', 'regex', 'gt', 'gte', 'lt', 'lte', 'is_set', 'is_not_set'];
const OP_LABELS: Record<string, string> = { eq: '=', neq: '≠', in: 'in', not_in: 'not in', contains: '∋', not_contains: '∌', regex: '~', gt: '>', gte: '≥', lt: '<', lte: '≤', is_set: 'is set', is_not_set: 'is not set' };

/** Filters as `{ property, op, value }`; `in` / `not_in` take comma-separated values, comparisons numbers. */
export function FiltersEditor({ value, onChange, properties }: { value: Filter[]; onChange(v: Filter[]): void; properties: string[] | undefined }) {
  const { t } = useI18n();
  const set = (i: number, f: Partial<Filter>) => onChange(value.map((x, k) => (k === i ? { ...x, ...f } : x)));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {value.map((f, i) => (
        <Space key={i} wrap>
          <PropertySelect properties={properties} value={f.property || undefined} onChange={(p) => set(i, { property: p ?? '' })} />
          <Select aria-label="op" style={{ width: 100 }} value={f.op} onChange={(op) => set(i, { op })} options={OPS.map((o) => ({ value: o, label: OP_LABELS[o] }))} />
          {!['is_set', 'is_not_set'].includes(f.op) && <Input aria-label="value" style={{ width: 160 }} value={displayValue(f.value)} onChange={(e) => set(i, { value: e.target.value })} />}
          <Button type="text" onClick={() => onChange(value.filter((_, k) => k !== i))}>{t('common.remove')}</Button>
        </Space>
      ))}
      <Button size="small" onClick={() => onChange([...value, { property: '', op: 'eq', value: '' }])}>+ {t('an.addFilter')}</Button>
    </Space>
  );
}

function displayValue(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : v === undefined || v === null ? '' : String(v);
}

/** Filters as the API wants them: typed values, incomplete rows dropped. */
export function cleanFilters(filters: Filter[]): Filter[] {
  return filters
    .filter((f) => f.property)
    .map((f) => {
      if (f.op === 'is_set' || f.op === 'is_not_set') return { property: f.property, op: f.op };
      const raw = displayValue(f.value);
      if (f.op === 'in' || f.op === 'not_in') return { ...f, value: raw.split(',').map((s) => s.trim()).filter(Boolean) };
      if (['gt', 'gte', 'lt', 'lte'].includes(f.op) && raw !== '' && !Number.isNaN(Number(raw))) return { ...f, value: Number(raw) };
      return { ...f, value: raw };
    });
}

/**
 * Runs `POST /api/projects/:id/query` with a spec; a newer run or cancel() aborts the
 * running one (the server stops the query when the request goes away).
 */
export function useQueryRunner<R>(projectId: string) {
  const [state, setState] = useState<{ result: R | null; error: unknown; loading: boolean; cancelled: boolean; startedAt: number }>({ result: null, error: null, loading: false, cancelled: false, startedAt: 0 });
  const ctl = useRef<AbortController | null>(null);
  useEffect(() => () => ctl.current?.abort(), []);
  const run = useCallback(
    async (spec: unknown) => {
      ctl.current?.abort();
      const c = new AbortController();
      ctl.current = c;
      setState({ result: null, error: null, loading: true, cancelled: false, startedAt: Date.now() });
      try {
        const result = await post<R>(`/api/projects/${projectId}/query`, spec, { signal: c.signal });
        if (!c.signal.aborted) setState((s) => ({ ...s, result, loading: false }));
      } catch (e) {
        if (c.signal.aborted || (e as Error).name === 'AbortError') return;
        setState((s) => ({ ...s, error: e, loading: false }));
      }
    },
    [projectId],
  );
  const cancel = useCallback(() => {
    ctl.current?.abort();
    setState((s) => ({ ...s, loading: false, cancelled: true }));
  }, []);
  return { ...state, run, cancel };
}

/** Loading (with elapsed time and cancel), error, not-yet-run and no-rows states around a result. */
export function ResultFrame({ runner, empty, children, kind }: { runner: ReturnType<typeof useQueryRunner<unknown>>; empty: boolean; children: ReactNode; kind: string }) {
  const { t } = useI18n();
  const [, tick] = useState(0);
  useEffect(() => {
    if (!runner.loading) return;
    const id = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(id);
  }, [runner.loading]);
  if (runner.loading) {
    const s = Math.floor((Date.now() - runner.startedAt) / 1000);
    return <Loading tip={`${t('common.running')} ${s}s`} onCancel={runner.cancel} />;
  }
  if (runner.error) {
    const notYet = runner.error instanceof ApiError && runner.error.status === 400 && /kind/.test(String(runner.error.details.path ?? ''));
    return <ErrorState error={runner.error} api={notYet ? `query kind "${kind}"` : 'POST /api/projects/:id/query'} />;
  }
  if (runner.cancelled) return <EmptyState text={t('common.cancelled')} />;
  if (!runner.result) return <EmptyState text={t('an.result.empty')} />;
  if (empty) return <EmptyState text={t('an.result.noRows')} />;
  return <>{children}</>;
}

export function Field({ label, children }: { label: MessageKey; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div style={{ marginBottom: 12 }}>
      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12, marginBottom: 4 }}>{t(label)}</Typography.Text>
      {children}
    </div>
  );
}
