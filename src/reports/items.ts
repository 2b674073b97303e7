import { z } from 'zod';
import type { IceScore } from './model.js';

const text = (max = 5000) => z.string().trim().max(max, `at most ${max} characters`);
const score = z.number().min(1, 'ICE parts are 1–10').max(10, 'ICE parts are 1–10');

/** 问题 / 反思 / 改进 — one reflection card. */
export const reflectionSchema = z
  .object({ category: text(100).default(''), problem: text().min(1, 'say what the problem was'), reflection: text().default(''), improvement: text().default('') })
  .strict();

/** What to keep doing, or what to change. */
export const lessonSchema = z.object({ kind: z.enum(['keep', 'change']).default('keep'), text: text().min(1, 'a lesson needs text') }).strict();

/**
 * A next action. ICE parts are each 1–10 and combined either as their average (Hacking
 * Growth) or their product (I × C × E); the parts and the method are stored, the score is
 * derived.
 */
export const actionSchema = z
  .object({
    action: text(1000).min(1, 'describe the action'),
    owner: text(200).nullable().default(null),
    deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').nullable().default(null),
    metricKey: z.string().max(63).nullable().default(null),
    baseline: z.number().finite().nullable().default(null),
    target: z.number().finite().nullable().default(null),
    ice: z
      .object({ impact: score, confidence: score, ease: score, method: z.enum(['average', 'product']).default('average') })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();

export const riskSchema = z.object({ text: text().min(1, 'describe the risk'), owner: text(200).nullable().default(null) }).strict();

export const ITEM_SCHEMAS = { reflection: reflectionSchema, lesson: lessonSchema, action: actionSchema, risk: riskSchema } as const;
export type ItemKind = keyof typeof ITEM_SCHEMAS;
export const ITEM_KINDS = Object.keys(ITEM_SCHEMAS) as ItemKind[];

/** @example iceScore({ impact: 8, confidence: 6, ease: 5, method: 'average' }).score // 6.33… */
export function iceScore(parts: { impact: number; confidence: number; ease: number; method: 'average' | 'product' }): IceScore {
  const score = parts.method === 'product' ? parts.impact * parts.confidence * parts.ease : (parts.impact + parts.confidence + parts.ease) / 3;
  return { ...parts, score };
}
