import { Jieba, TfIdf } from '@node-rs/jieba';
import { dict, idf } from '@node-rs/jieba/dict.js';

let jieba: Jieba | undefined;
let tfidf: TfIdf | undefined;

const DOMAIN_WORDS = ['卡顿', '闪退', '主播墙', '机器人呼叫', '性价比', '加载慢', '客服', '退款', '发货', '画质'];

/** Words that say nothing about a theme in survey comments. */
const STOP = new Set(['感觉', '觉得', '就是', '还是', '一个', '一些', '有点', '比较', '非常', '没有', '可以', '希望', '真的', '问题', '体验', '时候', '这个', '那个', 'the', 'and', 'is', 'it', 'to', 'of', 'a']);

/**
 * Feedback themes: the keywords (jieba TF-IDF, Chinese and English) that the most
 * comments mention. Each comment contributes its top keywords once, so a theme's count
 * is the number of comments that raise it.
 *
 * @example extractThemes(['太卡了，经常卡顿', '价格太贵', '卡顿严重'], 2) // [{ theme: '卡顿', count: 2 }, …]
 */
export function extractThemes(comments: readonly string[], limit: number): { theme: string; count: number }[] {
  if (!limit || !comments.length) return [];
  if (!jieba) {
    jieba = Jieba.withDict(dict);
    // Product words the general dictionary splits ("卡顿" → "卡" + "顿").
    jieba.loadDict(Buffer.from(DOMAIN_WORDS.map((w) => `${w} 2000 n`).join('\n')));
  }
  tfidf ??= TfIdf.withDict(idf);
  // Each distinct text is segmented once: short answers repeat ("还行", "很好"), and the
  // segmentation, not the counting, is the cost (the 100 M demo's quarter: 20,000 comments,
  // 26 distinct texts, 0.44 s → a few milliseconds).
  const texts = new Map<string, number>();
  for (const comment of comments) {
    const text = comment.slice(0, 2000);
    texts.set(text, (texts.get(text) ?? 0) + 1);
  }
  const counts = new Map<string, number>();
  for (const [text, times] of texts) {
    const keywords = new Set(
      tfidf
        .extractKeywords(jieba, text, 4)
        .map((k) => k.keyword.toLowerCase())
        .filter((k) => k.length >= 2 && !STOP.has(k))
        .slice(0, 3),
    );
    for (const k of keywords) if (!STOP.has(k) && !/^\d+$/.test(k)) counts.set(k, (counts.get(k) ?? 0) + times);
  }
  return [...counts.entries()]
    .filter(([, n]) => n >= 2 || comments.length < 10)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([theme, count]) => ({ theme, count }));
}
