import type { Lang } from '../../src/core/lang.js';

/** Numbers, percentages, changes and dates in the user's language. */
export function fmtNumber(v: number | null | undefined, lang: Lang, digits = 0): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return new Intl.NumberFormat(lang, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(v);
}

export function fmtCompact(v: number | null | undefined, lang: Lang): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return new Intl.NumberFormat(lang, { notation: 'compact', maximumFractionDigits: 1 }).format(v);
}

/** A ratio (0–1) as a percentage. */
export function fmtPercent(v: number | null | undefined, lang: Lang, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(v);
}

/** A relative change (+12.3%) or, for rates, percentage points (+1.2pp / +1.2个百分点). */
export function fmtChange(v: number | null | undefined, lang: Lang, unit: 'relative' | 'pp' = 'relative'): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const sign = v > 0 ? '+' : v < 0 ? '−' : '';
  if (unit === 'pp') return `${sign}${fmtNumber(Math.abs(v), lang, 1)}${lang === 'zh-CN' ? ' 个百分点' : ' pp'}`;
  return `${sign}${fmtPercent(Math.abs(v), lang)}`;
}

export function fmtDate(v: string | Date | null | undefined, lang: Lang, withTime = false): string {
  if (!v) return '—';
  const d = typeof v === 'string' ? new Date(v) : v;
  if (Number.isNaN(d.getTime())) return String(v);
  return new Intl.DateTimeFormat(lang, withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' }).format(d);
}

export function fmtDuration(seconds: number | null | undefined, lang: Lang): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const zh = lang === 'zh-CN';
  if (seconds < 60) return `${Math.round(seconds)}${zh ? ' 秒' : 's'}`;
  if (seconds < 3600) return `${fmtNumber(seconds / 60, lang, 1)}${zh ? ' 分钟' : ' min'}`;
  if (seconds < 86400) return `${fmtNumber(seconds / 3600, lang, 1)}${zh ? ' 小时' : ' h'}`;
  return `${fmtNumber(seconds / 86400, lang, 1)}${zh ? ' 天' : ' d'}`;
}
