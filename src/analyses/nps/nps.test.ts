import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import type { AnalysisContext } from '../shared/context.js';
import { nps, npsSchema } from './index.js';
import { shapeNps } from './shape.js';
import { extractThemes } from './themes.js';

describe('NPS', () => {
  it('matches the worked example of METRICS.md: n = 1000, p = 0.25, d = 0.075 → 17.5 ± 3.4', () => {
    const r = shapeNps({ n: 1000, promoters: 250, passives: 675, detractors: 75 }, []);
    expect(r.nps).toBeCloseTo(17.5, 10);
    // SE = 100 × √((0.325 − 0.175²) / 1000) = 100 × √(0.294375 / 1000) = 1.71574; 1.96 SE = 3.3628.
    expect(r.se).toBeCloseTo(1.71574, 4);
    expect(r.ci![0]).toBeCloseTo(14.137, 2);
    expect(r.ci![1]).toBeCloseTo(20.863, 2);
  });

  it('finds the themes most comments raise, in Chinese', () => {
    const themes = extractThemes(['视频太卡顿了', '经常卡顿，体验差', '价格太贵', '卡顿严重，希望优化', '客服态度很好', '价格贵'], 3);
    expect(themes[0]).toEqual({ theme: '卡顿', count: 3 });
    expect(themes.map((t) => t.theme)).toContain('价格');
    // A repeated comment counts once per time it was written (each text is segmented once).
    const repeated = ['经常卡顿，体验差', '价格太贵', '经常卡顿，体验差', '经常卡顿，体验差', '价格太贵'];
    const counts = new Map(extractThemes(repeated, 10).map((t) => [t.theme, t.count]));
    expect([counts.get('卡顿'), counts.get('价格')]).toEqual([3, 2]);
  });

  describe('on chDB', () => {
    let s: TestStorage;
    const ctx: AnalysisContext = { projectId: 'p1', timeZone: 'Asia/Shanghai', weekStart: 'monday', currency: 'CNY', now: new Date('2025-07-20T00:00:00Z') };
    beforeAll(async () => {
      s = await openTestStorage();
      // Five persons answer in July (Shanghai time). Person 5 answers twice: only the
      // latest (3, a detractor) counts. One answer falls outside the range (June 30
      // 23:00 Shanghai = 15:00 UTC), one score is out of scale (11, ignored).
      // Counted: 10, 9 (promoters), 7 (passive), 3, 11→ignored... → n = 4: p = 2, pa = 1, d = 1 → NPS = 25.
      const answer = (i: number, person: number, ts: string, score: number, comment = '') => ({
        project_id: 'p1',
        uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        event: 'survey_response',
        distinct_id: `d${person}`,
        person_id: `00000000-0000-4000-9000-${String(person).padStart(12, '0')}`,
        timestamp: ts,
        properties: JSON.stringify({ survey: 'nps', score, comment }),
      });
      await s.engine.insert('events', [
        answer(1, 1, '2025-07-01 02:00:00.000', 10, '主播质量高'),
        answer(2, 2, '2025-07-02 02:00:00.000', 9),
        answer(3, 3, '2025-07-03 02:00:00.000', 7),
        answer(4, 5, '2025-07-04 02:00:00.000', 9),
        answer(5, 5, '2025-07-05 02:00:00.000', 3, '卡顿'),
        answer(6, 6, '2025-06-30 15:00:00.000', 0),
        answer(7, 7, '2025-07-06 02:00:00.000', 11),
      ]);
    });
    afterAll(async () => s?.close());

    it('counts one answer per person, in the project time zone', async () => {
      const r = await nps.run(npsSchema.parse({ kind: 'nps', dateRange: { from: '2025-07-01', to: '2025-07-31' } }), ctx, s.engine);
      expect(r).toMatchObject({ n: 4, promoters: 2, passives: 1, detractors: 1, nps: 25 });
    });
  });
});
