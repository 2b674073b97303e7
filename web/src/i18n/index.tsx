import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import type { Lang } from '../../../src/core/lang.js';
import { en, type MessageKey } from './en.js';
import { zh } from './zh.js';

export type { Lang, MessageKey };
export const LANGS: readonly Lang[] = ['zh-CN', 'en-US'];

const DICTS: Record<Lang, Record<MessageKey, string>> = { 'en-US': en, 'zh-CN': zh };

/** The browser's preference: any Chinese maps to zh-CN, everything else to en-US. */
export function browserLang(): Lang {
  const list = typeof navigator !== 'undefined' ? navigator.languages ?? [navigator.language] : [];
  for (const l of list) {
    if (/^zh/i.test(l)) return 'zh-CN';
    if (/^en/i.test(l)) return 'en-US';
  }
  return 'en-US';
}

export type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  t: T;
  setLang(lang: Lang): void;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ lang, setLang, children }: { lang: Lang; setLang(l: Lang): void; children: ReactNode }) {
  const t = useCallback<T>(
    (key, vars) => {
      const text = DICTS[lang][key] ?? en[key] ?? key;
      return vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => (vars[k] === undefined ? m : String(vars[k]))) : text;
    },
    [lang],
  );
  const value = useMemo(() => ({ lang, t, setLang }), [lang, t, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
