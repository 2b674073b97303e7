import type { Lang } from '../core/lang.js';
import type { Change, ValueFormat } from './model.js';

/**
 * Number formatting per language and value format. Rates show as percentages, changes of
 * rates in percentage points, currency with the project's currency code.
 */
export function formatValue(value: number | null | undefined, format: ValueFormat, lang: Lang, currency = 'CNY'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (format) {
    case 'percent':
      return new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
    case 'currency':
      return new Intl.NumberFormat(lang, { style: 'currency', currency, maximumFractionDigits: Math.abs(value) >= 100 ? 0 : 2 }).format(value);
    case 'integer':
      return new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(value);
    case 'ratio':
      return `${new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value)}x`;
    case 'duration':
      return value >= 3600 ? `${(value / 3600).toFixed(1)} h` : value >= 60 ? `${(value / 60).toFixed(1)} min` : `${value.toFixed(1)} s`;
    case 'score':
      return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(value);
    default:
      return new Intl.NumberFormat(lang, { maximumFractionDigits: Math.abs(value) >= 100 ? 0 : 2 }).format(value);
  }
}

/** "+2.0 pp" for rates, "+12.5%" otherwise; "—" when there is nothing to compare with. */
export function formatChange(change: Change, isRate: boolean, lang: Lang, format?: ValueFormat): string {
  // Scores (NPS) change in points: +5.0 from 40 to 45, never "+12.5 %".
  if (format === 'score' && change.absolute !== null) return `${sign(change.absolute)}${Math.abs(change.absolute).toFixed(1)}`;
  if (isRate && change.percentagePoints !== null) return `${sign(change.percentagePoints)}${Math.abs(change.percentagePoints).toFixed(1)} pp`;
  if (change.relative === null) return '—';
  const pct = new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Math.abs(change.relative));
  return `${sign(change.relative)}${pct}`;
}

function sign(x: number): string {
  return x > 0 ? '+' : x < 0 ? '−' : '±';
}
