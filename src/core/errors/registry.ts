import type { Bilingual, Lang } from '../lang.js';

/**
 * One entry of the error registry: the HTTP status it maps to, and a message template in
 * both languages. Templates name their placeholders as `{field}`; they are filled from the
 * error's details, so a message always says what to fix.
 */
export interface ErrorDef {
  status: number;
  message: Bilingual;
}

export type ErrorTable = Record<string, ErrorDef>;

/** Fills `{name}` placeholders from `details`; unknown placeholders stay visible. */
export function fillTemplate(template: string, details: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = details[name];
    if (value === undefined) return whole;
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

export function renderMessage(def: ErrorDef, lang: Lang, details: Record<string, unknown>): string {
  return fillTemplate(def.message[lang], details);
}
