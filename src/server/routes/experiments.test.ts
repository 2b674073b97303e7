import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { btnDefinition, EXPERIMENT_PROJECT, experimentEvents, experimentMerges } from '../../../test/fixtures/analyses/experiment.js';
import { loadBlueprint } from '../../../test/helpers/analysis.js';
import { openTestStorage, type TestStorage } from '../../../test/helpers/storage.js';
import type { AppContext } from '../../app/context.js';
import { createProject, issueKey } from '../../app/projects.js';
import { loadConfig } from '../../config/load.js';
import { buildServer } from '../app.js';

describe('HTTP: /api/projects/:id/experiments', () => {
  let s: TestStorage;
  let app: Awaited<ReturnType<typeof buildServer>>;
  const admin = { authorization: 'Bearer fpa_test_admin_token' };
  let reader: { authorization: string };
  const base = `/api/projects/${EXPERIMENT_PROJECT}/experiments`;

  beforeAll(async () => {
    s = await openTestStorage();
    const ctx: AppContext = { config: loadConfig({ env: {} }), engine: s.engine, meta: s.meta };
    await createProject(ctx, { id: EXPERIMENT_PROJECT, name: 'Exp', timeZone: 'Asia/Shanghai' });
    await loadBlueprint(s.engine, EXPERIMENT_PROJECT, experimentEvents, experimentMerges);
    reader = { authorization: `Bearer ${(await issueKey(s.meta, EXPERIMENT_PROJECT, 'read')).key}` };
    app = await buildServer(ctx, { adminToken: 'fpa_test_admin_token' });
  });
  afterAll(async () => {
    await app?.close();
    await s?.close();
  });

  it('creates, lists, reads, updates and deletes definitions', async () => {
    const created = await app.inject({ method: 'POST', url: base, headers: admin, payload: btnDefinition });
    expect(created.statusCode).toBe(201);
    expect(created.json().definition).toMatchObject({ key: 'btn', method: 'frequentist', exposure: { event: 'experiment_exposure' } });
    const again = await app.inject({ method: 'POST', url: base, headers: admin, payload: btnDefinition });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('experiment_exists');
    expect((await app.inject({ url: base, headers: reader })).json().experiments.map((e: { definition: { key: string } }) => e.definition.key)).toEqual(['btn']);
    expect((await app.inject({ url: `${base}?status=draft`, headers: reader })).json().experiments).toEqual([]);
    const patched = await app.inject({ method: 'PATCH', url: `${base}/btn`, headers: admin, payload: { hypothesis: 'changed', adjust: 'bh' } });
    expect(patched.json().definition).toMatchObject({ hypothesis: 'changed', adjust: 'bh', key: 'btn' });
    const tmp = await app.inject({ method: 'POST', url: base, headers: admin, payload: { ...btnDefinition, key: 'tmp' } });
    expect(tmp.statusCode).toBe(201);
    expect((await app.inject({ method: 'DELETE', url: `${base}/tmp`, headers: admin })).statusCode).toBe(204);
    expect((await app.inject({ url: `${base}/tmp`, headers: admin })).statusCode).toBe(404);
  });

  it('answers invalid definitions with 400 naming the field, in the caller language', async () => {
    const res = await app.inject({ method: 'POST', url: base, headers: { ...admin, 'accept-language': 'zh-CN' }, payload: { ...btnDefinition, key: 'x', start: '2025/07/01' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'experiment_invalid', details: { path: 'start' }, message: expect.stringContaining('实验 `x` 的定义无效') });
  });

  it('computes results from events for viewers; only editors change definitions', async () => {
    const res = await app.inject({ url: `${base}/btn/results`, headers: reader });
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({ key: 'btn', hypothesis: 'changed', exposures: { analysed: 6, multipleVariants: 2 }, decision: { decision: 'no_effect' } });
    expect(r.metrics.find((m: { key: string }) => m.key === 'amount').variants[0].adjusted.method).toBe('bh');
    expect((await app.inject({ method: 'POST', url: base, headers: reader, payload: { ...btnDefinition, key: 'r' } })).statusCode).toBe(403);
    expect((await app.inject({ url: `${base}/btn/results` })).statusCode).toBe(401);
    expect((await app.inject({ url: `/api/projects/nope/experiments/btn/results`, headers: admin })).statusCode).toBe(404);
  });
});
