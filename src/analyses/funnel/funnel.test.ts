import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { insertEvents, mergePersons, uuidOf } from '../../../test/fixtures/analyses/events.js';
import { BREAKDOWN, EXCLUSIONS, MAIN, MERGED, MERGED_LATER_STEP, REPEATED, STRICT, UNORDERED } from '../../../test/fixtures/analyses/funnel.js';
import { parseInput } from '../../core/validation.js';
import type { AnalysisContext } from '../shared/context.js';
import { resolveRange } from '../shared/date-range.js';
import { compileFunnel, compilePersons, compileTimeToConvert, compileTrend } from './compile.js';
import { packable } from './packed.js';
import { funnel } from './index.js';

let s: TestStorage;
const ctx = (projectId: string): AnalysisContext => ({ projectId, timeZone: 'UTC', weekStart: 'monday', currency: 'CNY', now: new Date('2025-08-01T00:00:00Z') });
const steps = (...names: string[]) => names.map((event) => ({ event }));
const base = { kind: 'funnel', dateRange: { from: '2025-07-01', to: '2025-07-07' }, window: { value: 1, unit: 'day' } };
const run = async (projectId: string, spec: Record<string, unknown>) => funnel.run(parseInput(funnel.schema, { ...base, ...spec }), ctx(projectId), s.engine);
const counts = (r: { steps: { count: number }[] }) => r.steps.map((x) => x.count);

beforeAll(async () => {
  s = await openTestStorage();
  await insertEvents(s.engine, 'main', MAIN);
  await insertEvents(s.engine, 'repeated', REPEATED);
  await insertEvents(s.engine, 'strict', STRICT);
  await insertEvents(s.engine, 'unordered', UNORDERED);
  await insertEvents(s.engine, 'excl', EXCLUSIONS);
  await insertEvents(s.engine, 'bd', BREAKDOWN);
  await insertEvents(s.engine, 'merged', MERGED);
  await mergePersons(s.engine, 'merged', 'anon', 'user');
  await insertEvents(s.engine, 'merged2', MERGED_LATER_STEP);
  await mergePersons(s.engine, 'merged2', 'anon2', 'user2');
});
afterAll(async () => s?.close());

describe('funnel on chDB (blueprints in test/fixtures/analyses/funnel.ts)', () => {
  it('MAIN: out-of-order, same-ms, window edge, attempts, entry range', async () => {
    const r = await run('main', {
      steps: steps('view', 'signup', 'pay'),
      timeToConvert: { fromStep: 0, toStep: 1, bins: 2 },
      trend: { interval: 'day' },
      persons: { step: 1, status: 'dropped' },
    });
    expect(counts(r)).toEqual([7, 5, 2]);
    expect(r.steps[1]).toMatchObject({ averageTimeToConvertSeconds: 19500, medianTimeToConvertSeconds: 3600, dropOff: 2, conversionFromPrevious: 5 / 7 });
    expect(r.steps[2]).toMatchObject({ averageTimeToConvertSeconds: 180, medianTimeToConvertSeconds: 180, conversionFromFirst: 2 / 7 });
    expect(r.timeToConvert!.bins.map((b) => b.persons)).toEqual([4, 1]);
    expect(r.timeToConvert!.bins[1]).toMatchObject({ fromSeconds: 43200, toSeconds: 86400 });
    expect(r.trend!.map((t) => [t.period, t.entered, t.converted])).toEqual([
      ['2025-07-01', 3, 2],
      ['2025-07-02', 2, 0],
      ['2025-07-03', 1, 0],
      ['2025-07-07', 1, 0],
    ]);
    expect(r.persons!.total).toBe(3);
    expect(new Set(r.persons!.personIds)).toEqual(new Set(['p6', 'p7', 'p9'].map(uuidOf)));
  });

  it('MAIN strict', async () => {
    expect(counts(await run('main', { steps: steps('view', 'signup', 'pay'), order: 'strict' }))).toEqual([7, 5, 2]);
  });

  it('REPEATED: one event satisfies one step; two events in the same ms satisfy two', async () => {
    expect(counts(await run('repeated', { steps: steps('view', 'view', 'signup') }))).toEqual([3, 2, 2]);
  });

  it('STRICT vs ordered', async () => {
    expect(counts(await run('strict', { steps: steps('view', 'signup', 'pay'), order: 'strict' }))).toEqual([4, 2, 1]);
    expect(counts(await run('strict', { steps: steps('view', 'signup', 'pay') }))).toEqual([4, 4, 4]);
  });

  it('UNORDERED', async () => {
    expect(counts(await run('unordered', { steps: steps('view', 'signup', 'pay'), order: 'unordered' }))).toEqual([4, 2, 1]);
  });

  it('EXCLUSIONS remove the attempt, not the person', async () => {
    const r = await run('excl', { steps: steps('view', 'signup', 'pay'), exclusions: [{ event: 'logout', fromStep: 0, toStep: 1 }] });
    expect(counts(r)).toEqual([3, 2, 1]);
    expect(counts(await run('excl', { steps: steps('view', 'signup', 'pay') }))).toEqual([4, 3, 2]);
  });

  const byValue = (r: { breakdown?: { value: string; steps: { count: number }[] }[] }) =>
    Object.fromEntries(r.breakdown!.map((b) => [b.value, counts(b)]));
  it.each([
    ['first_touch', { ad: [2, 2], organic: [1, 0], $none: [1, 1] }],
    ['last_touch', { ad: [2, 2], organic: [2, 1] }],
    ['all_events', { ad: [2, 1], organic: [1, 0], $none: [1, 0] }],
    ['step', { ad: [2, 2], organic: [2, 1] }],
  ])('BREAKDOWN %s', async (attribution, expected) => {
    const r = await run('bd', { steps: steps('view', 'signup'), breakdown: { property: 'channel', attribution, ...(attribution === 'step' ? { step: 1 } : {}) } });
    expect(byValue(r)).toEqual(expected);
    expect(counts(r)).toEqual([4, 3]);
  });

  it('BREAKDOWN top-N folds the rest into $other', async () => {
    const r = await run('bd', { steps: steps('view', 'signup'), breakdown: { property: 'channel', limit: 1 } });
    expect(byValue(r)).toEqual({ ad: [2, 2], $other: [2, 1] });
  });

  it('MERGED: the anonymous ad click and the later signup are one person', async () => {
    expect(counts(await run('merged', { steps: steps('ad_click', 'signup') }))).toEqual([1, 1]);
  });

  it('MERGED_LATER_STEP: a later step written under an id merged into the entrant counts', async () => {
    expect(counts(await run('merged2', { steps: steps('ad_click', 'signup') }))).toEqual([1, 1]);
    expect(counts(await run('merged2', { steps: steps('ad_click', 'signup'), order: 'strict' }))).toEqual([1, 1]);
  });
});

describe('packed attempts (packed.ts) against the general fold', () => {
  it('gives the same counts, times, bins, trend and persons on every blueprint', async () => {
    // Every blueprint project, ordered funnels of distinct events with windows of a second to
    // a week: the packed form (the default for these) and the fold (foldOnly) must give the
    // same rows for every query built on a person's best attempt.
    const cases: [string, string[]][] = [
      ['main', ['view', 'signup', 'pay']],
      ['main', ['view', 'pay']],
      ['strict', ['view', 'signup', 'pay']],
      ['unordered', ['view', 'signup', 'pay']],
      ['excl', ['view', 'signup', 'pay']],
      ['bd', ['view', 'signup']],
      ['merged', ['ad_click', 'signup']],
      ['merged2', ['ad_click', 'signup']],
    ];
    for (const [project, names] of cases) {
      for (const window of [{ value: 1, unit: 'second' }, { value: 1, unit: 'hour' }, { value: 1, unit: 'week' }]) {
        const spec = parseInput(funnel.schema, {
          ...base,
          window,
          steps: steps(...names),
          timeToConvert: { bins: 3 },
          trend: { interval: 'day' },
          persons: { step: 0, status: 'reached' },
        });
        expect(packable(spec)).toBe(true);
        const c = ctx(project);
        const range = resolveRange(spec.dateRange, c);
        for (const build of [
          (o: { foldOnly?: boolean }) => compileFunnel(spec, c, range, undefined, o),
          (o: { foldOnly?: boolean }) => compileTimeToConvert(spec, c, range, undefined, o),
          (o: { foldOnly?: boolean }) => compileTrend(spec, c, range, o),
          (o: { foldOnly?: boolean }) => compilePersons(spec, c, range, o),
        ]) {
          const packed = build({});
          expect(packed.sql).toContain('arrayReverseFill');
          expect([project, window, await s.engine.query(packed)]).toEqual([project, window, await s.engine.query(build({ foldOnly: true }))]);
        }
      }
    }
    // Not packable: the general fold.
    const general = (extra: Record<string, unknown>) => parseInput(funnel.schema, { ...base, steps: steps('view', 'signup'), ...extra });
    expect(packable(general({ order: 'strict' }))).toBe(false);
    expect(packable(general({ steps: steps('view', 'view', 'signup') }))).toBe(false);
    expect(packable(general({ exclusions: [{ event: 'logout', fromStep: 0, toStep: 1 }] }))).toBe(false);
    expect(packable(general({ breakdown: { property: 'channel' } }))).toBe(false);
    expect(packable(general({ window: { value: 1, unit: 'month' } }))).toBe(false);
  }, 120_000); // ~200 queries
});

describe('funnel SQL', () => {
  it('snapshot', () => {
    const spec = parseInput(funnel.schema, {
      ...base,
      steps: [{ event: 'view', filters: [{ property: 'channel', op: 'eq', value: 'douyin' }] }, { event: 'signup' }, { event: 'pay' }],
      exclusions: [{ event: 'logout', fromStep: 0, toStep: 1 }],
      breakdown: { property: 'plan', attribution: 'first_touch' },
    });
    const c = ctx('main');
    expect(compileFunnel(spec, c, resolveRange(spec.dateRange, c), ['a', 'b']).sql).toMatchSnapshot();
  });
});

describe('funnel safety', () => {
  const hostile = "x'); DROP TABLE events; --";
  it('hostile property names, values and event names stay parameters', async () => {
    const spec = parseInput(funnel.schema, {
      ...base,
      steps: [{ event: hostile, filters: [{ property: hostile, op: 'eq', value: hostile }] }, { event: 'signup', filters: [{ property: '`a`', op: 'regex', value: '.*' }] }],
      breakdown: { property: "p') OR 1=1 --", type: 'person' },
      exclusions: [{ event: hostile, fromStep: 0, toStep: 1 }],
    });
    const c = { ...ctx('main'), timeZone: "UTC'); DROP TABLE events; --" };
    const q = compileFunnel(spec, c, resolveRange(spec.dateRange, ctx('main')), [hostile]);
    expect(q.sql).not.toContain('DROP');
    expect(q.sql).not.toContain('1=1');
    expect(Object.values(q.params)).toContain(hostile);
    await s.engine.query(q);
    const [row] = await s.engine.query<{ n: number }>({ sql: "SELECT count() AS n FROM events WHERE project_id = 'main'", params: {} });
    expect(Number(row!.n)).toBe(MAIN.length);
  });

  it('oversized specs get a clear error', async () => {
    const tooMany = Array.from({ length: 21 }, (_, i) => ({ event: `e${i}` }));
    await expect(run('main', { steps: tooMany })).rejects.toMatchObject({ code: 'invalid_input', details: { path: 'steps' } });
    await expect(run('main', { steps: steps('a', 'b'), window: { value: 5, unit: 'month' } })).resolves.toBeDefined();
    await expect(run('main', { steps: steps('a', 'b'), window: { value: 20, unit: 'month' } })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(run('main', { steps: steps('a', 'b'), dateRange: { from: '1990-01-01', to: '2025-01-01' } })).rejects.toMatchObject({ code: 'too_expensive' });
    await expect(run('main', { steps: steps('a', 'b'), breakdown: { property: 'channel', limit: 5000 } })).rejects.toMatchObject({ code: 'invalid_input', details: { path: 'breakdown.limit' } });
    await expect(run('main', { steps: steps('a', 'b'), exclusions: [{ event: 'x', fromStep: 0, toStep: 2 }] })).rejects.toMatchObject({ code: 'invalid_input', details: { path: 'exclusions.0.toStep' } });
  });
});
