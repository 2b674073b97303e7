import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openTestStorage, type TestStorage } from '../../test/helpers/storage.js';
import { applyDictionary, exportDictionary } from './metrics.js';

let s: TestStorage;
beforeAll(async () => {
  s = await openTestStorage('chdb');
  await s.meta.query(`INSERT INTO projects (id, name) VALUES ('dict', 'dict')`);
});
afterAll(async () => s?.close());

describe('dictionary YAML', () => {
  it('exports, applies a round trip and writes nothing on error', async () => {
    const text = await exportDictionary(s, 'dict');
    const doc = parse(text) as { metrics: Record<string, unknown>[] };
    expect(doc.metrics.find((m) => m.key === 'gmv')).toMatchObject({ source: 'builtin', direction: 'higher_is_better' });
    expect(await applyDictionary(s, 'dict', text)).toMatchObject({ upserted: [] });
    const custom = { ...doc.metrics.find((m) => m.key === 'aov')!, key: 'gmv_per_dau', definition: { kind: 'formula', formula: 'gmv / dau' }, owner: 'growth' };
    const broken = { ...custom, key: 'bad', definition: { kind: 'formula', formula: 'gmv / nothing' } };
    await expect(applyDictionary(s, 'dict', JSON.stringify({ metrics: [custom, broken] }))).rejects.toThrow(/unknown metric nothing/);
    expect(await s.meta.query(`SELECT key FROM metrics WHERE project_id = 'dict'`)).toEqual([]);
    await expect(applyDictionary(s, 'dict', 'metrics:\n  - key: X\n')).rejects.toMatchObject({ code: 'dictionary_invalid' });
    expect(await applyDictionary(s, 'dict', JSON.stringify({ metrics: [custom] }))).toEqual({ upserted: ['gmv_per_dau'], unchanged: [] });
  });
});
