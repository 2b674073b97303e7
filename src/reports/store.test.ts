import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteStore } from '../storage/metadata/pglite-store.js';
import { migrateMeta } from '../storage/metadata/migrate.js';
import { parsePeriod } from '../analyses/shared/period.js';
import { iceScore } from './items.js';
import { addItem, deleteItem, ensureReport, listItems, markPublished, previousPublished, updateItem } from './store.js';

describe('report drafts, written items and publishing', () => {
  let meta: PgliteStore;
  beforeAll(async () => {
    meta = await PgliteStore.open();
    await migrateMeta(meta);
    await meta.query(`INSERT INTO projects (id, name) VALUES ('shop', 'Shop')`);
  });
  afterAll(async () => meta?.close());

  it('creates one draft per period and keeps written items in order', async () => {
    const a = await ensureReport(meta, 'shop', parsePeriod('2025-W28'));
    const b = await ensureReport(meta, 'shop', parsePeriod('2025-W28'));
    expect(b.id).toBe(a.id);
    expect(a).toMatchObject({ status: 'draft', fromDate: '2025-07-07', toDate: '2025-07-13' });
    await addItem(meta, a, 'reflection', { category: '产品', problem: '首启慢', reflection: '包太大', improvement: '拆包' });
    const action = await addItem(meta, a, 'action', { action: '首启业务数据提升到 60%', owner: 'Li', metricKey: 'first_launch_rate', target: 0.6, ice: { impact: 8, confidence: 6, ease: 5 } });
    expect(action.data).toMatchObject({ ice: { method: 'average' }, deadline: null });
    await updateItem(meta, a, action.id, { deadline: '2025-07-20' });
    const items = await listItems(meta, a.id);
    expect(items.map((i) => i.kind)).toEqual(['action', 'reflection']);
    expect(items[0]!.data.deadline).toBe('2025-07-20');
  });

  it('rejects invalid items naming the field, and writes nothing', async () => {
    const r = await ensureReport(meta, 'shop', parsePeriod('2025-W29'));
    await expect(addItem(meta, r, 'action', { action: 'x', ice: { impact: 11, confidence: 1, ease: 1 } })).rejects.toMatchObject({
      code: 'invalid_input',
      details: { path: 'ice.impact' },
    });
    expect(await listItems(meta, r.id)).toEqual([]);
  });

  it('freezes a published report: no edits, no second publish', async () => {
    const r = await ensureReport(meta, 'shop', parsePeriod('2025-W28'));
    const [item] = await listItems(meta, r.id);
    const published = await markPublished(meta, r, { numbers: 1 }, '2025-07-14T02:00:00.000Z', null);
    expect(published).toMatchObject({ status: 'published', snapshot: { numbers: 1 }, dataReadAt: '2025-07-14T02:00:00.000Z' });
    await expect(addItem(meta, published, 'lesson', { text: 'x' })).rejects.toMatchObject({ code: 'report_published' });
    await expect(deleteItem(meta, published, item!.id)).rejects.toMatchObject({ code: 'report_published' });
    await expect(markPublished(meta, r, {}, '2025-07-15T00:00:00.000Z', null)).rejects.toMatchObject({ code: 'report_published' });
    expect((await previousPublished(meta, 'shop', '2025-07-14'))?.periodLabel).toBe('2025-W28');
    expect(await previousPublished(meta, 'shop', '2025-07-13')).toBeUndefined();
  });

  it('combines ICE parts as an average or a product', () => {
    expect(iceScore({ impact: 8, confidence: 6, ease: 5, method: 'average' }).score).toBeCloseTo(19 / 3);
    expect(iceScore({ impact: 8, confidence: 6, ease: 5, method: 'product' }).score).toBe(240);
  });
});
