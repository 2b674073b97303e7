import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { btnDefinition, EXPERIMENT_PROJECT, experimentEvents, experimentMerges } from '../../../test/fixtures/analyses/experiment.js';
import { fixtureContext, loadBlueprint } from '../../../test/helpers/analysis.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { analyzeExperiment } from '../../stats/index.js';
import { compileMetric, compileMetrics, metricRows } from './compile.js';
import { experiment, experimentDefinitionSchema, experimentWindow, runExperiment, type ExperimentResults } from './index.js';
import { parseExperiment } from './store.js';

let storage: TestStorage;
const ctx = fixtureContext(EXPERIMENT_PROJECT);
const def = (o: Record<string, unknown> = {}) => experimentDefinitionSchema.parse({ ...btnDefinition, ...o });
let r: ExperimentResults;

beforeAll(async () => {
  storage = await openTestStorage();
  await loadBlueprint(storage.engine, EXPERIMENT_PROJECT, experimentEvents, experimentMerges);
  r = await runExperiment(def(), ctx, storage.engine);
});
afterAll(() => storage?.close());

const arms = (key: string) => r.metrics.find((m) => m.key === key)!.input.arms as Record<string, unknown>[];

describe('experiment results on the blueprint (test/fixtures/analyses/experiment.ts)', () => {
  it('counts exposures per variant, with multi-variant (after merges) and unknown persons excluded and counted', () => {
    expect(r.exposures.variants.map((v) => [v.key, v.persons])).toEqual([['control', 3], ['treatment', 3]]);
    expect(r.exposures).toMatchObject({ multipleVariants: 2, unknownVariant: 1, analysed: 6 });
    expect(r.srm).toMatchObject({ pValue: 1, warning: false });
    expect(r.progress).toMatchObject({ persons: 6, share: 0.06, complete: true, planned: { total: 100, from: 'definition' } });
  });

  it('reads every conversion, mean and ratio metric in one query, each as its own query would', async () => {
    // One pass over the metrics' events and one join to the exposed persons: metric j's
    // columns come back prefixed m<j>_ and equal the single-metric query's, row for row.
    const d = def();
    const plain = [...d.metrics, ...d.guardrails].filter((m) => m.type !== 'quantile');
    expect(plain.length).toBeGreaterThan(1);
    const w = experimentWindow(d, ctx);
    const together = await storage.engine.query<{ variant: string; n: number }>(compileMetrics(d, plain, w));
    for (const [j, m] of plain.entries()) {
      expect(metricRows(together, j, plain.length)).toEqual(await storage.engine.query(compileMetric(d, m, w)));
    }
    const seen: string[] = [];
    const counting = { ...storage.engine, kind: storage.engine.kind, query: (q: { sql: string }, o?: object) => (seen.push(q.sql), storage.engine.query(q as never, o)) };
    await runExperiment(d, ctx, counting as never);
    expect(seen.filter((q) => q.includes('per_person AS'))).toHaveLength(1);
  });

  it('conversion within the window, with the CUPED pre-period covariate', () => {
    expect(arms('converted')).toEqual([
      { name: 'control', weight: 0.5, n: 3, successes: 2, preSuccesses: 2, sumProducts: 2 },
      { name: 'treatment', weight: 0.5, n: 3, successes: 2, preSuccesses: 1, sumProducts: 1 },
    ]);
  });

  it('mean of a property sum per person, with pre-period sums and products', () => {
    expect(arms('amount')).toEqual([
      { name: 'control', weight: 0.5, n: 3, sum: 80, sumSquares: 3400, pre: { sum: 50, sumSquares: 1700 }, sumProducts: 2300 },
      { name: 'treatment', weight: 0.5, n: 3, sum: 110, sumSquares: 10100, pre: { sum: 20, sumSquares: 400 }, sumProducts: 2000 },
    ]);
  });

  it('ratio of two sums with the six CUPED cross-products', () => {
    expect(arms('aov')).toEqual([
      {
        name: 'control', weight: 0.5, n: 3,
        mPost: { sum: 80, sumSquares: 3400 }, dPost: { sum: 2, sumSquares: 2 }, mPre: { sum: 50, sumSquares: 1700 }, dPre: { sum: 2, sumSquares: 2 },
        sumProducts: { 'mPost*mPre': 2300, 'dPost*dPre': 2, 'mPre*dPre': 50, 'mPost*dPost': 80, 'mPost*dPre': 80, 'mPre*dPost': 50 },
      },
      {
        name: 'treatment', weight: 0.5, n: 3,
        mPost: { sum: 110, sumSquares: 10100 }, dPost: { sum: 3, sumSquares: 5 }, mPre: { sum: 20, sumSquares: 400 }, dPre: { sum: 1, sumSquares: 1 },
        sumProducts: { 'mPost*mPre': 2000, 'dPost*dPre': 2, 'mPre*dPre': 20, 'mPost*dPost': 210, 'mPost*dPre': 100, 'mPre*dPost': 40 },
      },
    ]);
  });

  it('quantile inputs: value and order statistics of the interval', () => {
    expect(arms('median_amount')).toEqual([
      { name: 'control', weight: 0.5, n: 2, nStar: 2, quantile: 50, lower: 30, upper: 50, nu: 0.5 },
      { name: 'treatment', weight: 0.5, n: 2, nStar: 3, quantile: 40, lower: 10, upper: 60, nu: 0.5 },
    ]);
  });

  it('without CUPED: plain sums; the ratio as numerator / denominator', async () => {
    const plain = await runExperiment(def({ cuped: null }), ctx, storage.engine);
    const aov = plain.metrics.find((m) => m.key === 'aov')!.input.arms as Record<string, unknown>[];
    expect(aov[1]).toEqual({ name: 'treatment', weight: 0.5, n: 3, numerator: { sum: 110, sumSquares: 10100 }, denominator: { sum: 3, sumSquares: 5 }, sumProducts: 210 });
    const amount = plain.metrics.find((m) => m.key === 'amount')!;
    expect(amount.variants[0]!.lift).toBeCloseTo(0.375, 12);
    // The engine on the hand-computed sums gives the same answer.
    const direct = analyzeExperiment({ metric: { type: 'mean' }, arms: [{ name: 'control', n: 3, sum: 80, sumSquares: 3400 }, { name: 'treatment', n: 3, sum: 110, sumSquares: 10100 }] });
    expect(amount.variants[0]!.pValue).toBeCloseTo(direct.arms[0]!.pValue!, 12);
  });

  it('adjusts p-values across goal metrics and decides with a stated rule', () => {
    const goals = r.metrics.filter((m) => m.role === 'goal');
    expect(goals.every((g) => g.variants.every((v) => v.lift === null || v.adjusted?.method === 'holm'))).toBe(true);
    expect(r.decision).toMatchObject({ decision: 'no_effect', rule: 'no_effect', variant: 'treatment' });
    expect(r.decision.reason['zh-CN']).toMatch(/无显著效果/);
    expect(r.notes.map((n) => n['en-US']).join(' ')).toMatch(/2 persons saw more than one variant/);
  });

  it('an experiment still running: exposures until now; keep running', async () => {
    const running = await runExperiment(def({ end: null }), { ...ctx, now: new Date('2025-07-02T02:30:00Z') }, storage.engine);
    // By 07-02T02:30Z: c1, c2, c3 (control); t1 (treatment); b1 and m1 have seen control only so far.
    expect(running.exposures.variants.map((v) => v.persons)).toEqual([5, 1]);
    expect(running.progress.complete).toBe(false);
    expect(running.decision.decision).toBe('keep_running');
  });

  it('runs as the `experiment` analysis kind with an inline definition', async () => {
    const res = await experiment.run(experiment.schema.parse({ kind: 'experiment', definition: btnDefinition }), ctx, storage.engine);
    expect(res.exposures.analysed).toBe(6);
  });
});

describe('experiment definitions and SQL', () => {
  it('names the bad field', () => {
    expect(() => parseExperiment({ ...btnDefinition, variants: [{ key: 'a' }] })).toThrow(expect.objectContaining({ code: 'experiment_invalid', details: expect.objectContaining({ path: 'variants' }) }));
    expect(() => parseExperiment({ ...btnDefinition, metrics: [{ type: 'mean', event: 'x', math: 'sum' }] })).toThrow(/metrics\.0\.property/);
    expect(parseExperiment({ key: 'k', variants: [{ key: 'a' }, { key: 'b' }], start: '2025-01-01', metrics: [{ type: 'conversion', event: 'e' }] })).toMatchObject({
      exposure: { event: 'experiment_exposure', variantProperty: 'variant', experimentProperty: 'experiment' },
      method: 'frequentist',
      metrics: [{ windowHours: 72 }],
    });
  });

  it('hostile names only change parameters', () => {
    const w = { projectId: 'exp', from: new Date('2025-07-01T00:00:00Z'), to: new Date('2025-07-04T00:00:00Z'), now: new Date('2025-07-08T00:00:00Z') };
    const metric = { type: 'mean' as const, event: 'purchase', math: 'sum' as const, property: 'amount', inverse: false, filters: [] };
    const benign = compileMetric(def(), metric, w);
    const evil = "x'); DROP TABLE events; --";
    const hostile = compileMetric(def({ key: 'k', exposure: { event: evil, variantProperty: evil, experimentProperty: evil }, variants: [{ key: evil }, { key: 'b' }] }), { ...metric, event: evil, property: evil }, w);
    expect(hostile.sql).toBe(benign.sql);
    expect(benign.sql).toMatch(/project_id = \{p\d+:String\}/);
  });
});
