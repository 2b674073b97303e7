/** The two languages fupan speaks everywhere: CLI messages, API errors, reports, the web app. */
export const LANGS = ['zh-CN', 'en-US'] as const;
export type Lang = (typeof LANGS)[number];

/**
 * Picks a language from an HTTP `Accept-Language` header (or a locale like `zh_CN.UTF-8`).
 * Chinese of any region maps to zh-CN; everything else to en-US.
 *
 * @example pickLang('zh-TW,zh;q=0.9,en;q=0.8') // 'zh-CN'
 */
export function pickLang(header: string | undefined | null, fallback: Lang = 'en-US'): Lang {
  if (!header) return fallback;
  const first = header
    .split(',')
    .map((part) => {
      const [tag = '', q] = part.trim().split(';q=');
      return { tag: tag.toLowerCase(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((x) => x.tag && !Number.isNaN(x.q))
    .sort((a, b) => b.q - a.q)[0];
  if (!first) return fallback;
  if (first.tag.startsWith('zh')) return 'zh-CN';
  if (first.tag.startsWith('en')) return 'en-US';
  return fallback;
}

/** A text in both languages. */
export interface Bilingual {
  'zh-CN': string;
  'en-US': string;
}
