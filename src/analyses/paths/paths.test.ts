import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../../test/fixtures/analyses/events.js';
import { PATHS } from '../../../test/fixtures/analyses/paths.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import { parseInput } from '../../core/validation.js';
import type { AnalysisContext } from '../shared/context.js';
import { resolveRange } from '../shared/date-range.js';
import { compilePaths } from './compile.js';
import { paths } from './index.js';

let s: TestStorage;
const ctx: AnalysisContext = { projectId: 'x', timeZone: 'UTC', weekStart: 'monday', currency: 'CNY', now: new Date('2025-08-01T00:00:00Z') };
const base = { kind: 'paths', dateRange: { from: '2025-07-01', to: '2025-07-07' }, event: 'signup', steps: 3 };
const run = async (spec: Record<string, unknown>) => paths.run(parseInput(paths.schema, { ...base, ...spec }), ctx, s.engine);
const nodes = (r: { nodes: { id: string; persons: number; dropOff: number }[] }) => Object.fromEntries(r.nodes.map((n) => [n.id, [n.persons, n.dropOff]]));
const edges = (r: { edges: { source: string; target: string; persons: number }[] }) => Object.fromEntries(r.edges.map((e) => [`${e.source}>${e.target}`, e.persons]));

beforeAll(async () => {
  s = await openTestStorage();
  await insertEvents(s.engine, 'x', PATHS);
});
afterAll(async () => s?.close());

describe('paths on chDB (blueprint in test/fixtures/analyses/paths.ts)', () => {
  it('after the anchor', async () => {
    const r = await run({});
    expect(nodes(r)).toEqual({ '0:signup': [4, 1], '1:view': [1, 0], '1:pay': [1, 1], '1:signup': [1, 1], '2:pay': [1, 1] });
    expect(edges(r)).toEqual({ '0:signup>1:view': 1, '0:signup>1:pay': 1, '0:signup>1:signup': 1, '1:view>2:pay': 1 });
  });
  it('top nodes per step, the rest as $other', async () => {
    const r = await run({ nodesPerStep: 1 });
    expect(nodes(r)).toEqual({ '0:signup': [4, 1], '1:pay': [1, 1], '1:$other': [2, 1], '2:pay': [1, 1] });
    expect(edges(r)).toEqual({ '0:signup>1:pay': 1, '0:signup>1:$other': 2, '1:$other>2:pay': 1 });
  });
  it('before the anchor', async () => {
    const r = await run({ event: 'pay', direction: 'before', steps: 2 });
    expect(nodes(r)).toEqual({ '0:pay': [2, 0], '1:view': [1, 0], '1:signup': [1, 1], '2:signup': [1, 1] });
  });
});

describe('paths SQL and safety', () => {
  it('snapshot', () => {
    const spec = parseInput(paths.schema, { ...base, exclude: ['heartbeat'], filters: [{ property: 'channel', op: 'eq', value: 'ad' }] });
    expect(compilePaths(spec, ctx, resolveRange(spec.dateRange, ctx)).sql).toMatchSnapshot();
  });
  it('hostile names stay parameters; oversized specs are refused', async () => {
    const hostile = "x'); DROP TABLE events; --";
    const spec = parseInput(paths.schema, { ...base, event: hostile, exclude: [hostile], events: [hostile], filters: [{ property: hostile, op: 'eq', value: hostile, type: 'person' }] });
    const q = compilePaths(spec, ctx, resolveRange(spec.dateRange, ctx));
    expect(q.sql).not.toContain('DROP');
    expect(await s.engine.query(q)).toEqual([]);
    await expect(run({ steps: 50 })).rejects.toMatchObject({ code: 'invalid_input', details: { path: 'steps' } });
    await expect(run({ dateRange: { from: '1990-01-01', to: '2025-01-01' } })).rejects.toMatchObject({ code: 'too_expensive' });
  });
});
