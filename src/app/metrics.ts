import { parse, stringify } from 'yaml';
import { FupanError } from '../core/errors/index.js';
import { BUILTINS } from '../analyses/metrics/catalogue.js';
import { type Metric, metricSchema } from '../analyses/metrics/schema.js';
import { loadDictionary, metricsOf, validateDictionary } from '../analyses/metrics/store.js';
import { describeIssues } from '../core/validation.js';
import type { AppContext } from './context.js';

/** The dictionary file: `version: 1` and the list of metrics (docs/metrics.md). */
export async function exportDictionary(ctx: Pick<AppContext, 'meta'>, projectId: string): Promise<string> {
  const dict = await loadDictionary(ctx.meta, projectId);
  const metrics = [...dict.values()].map((e) => ({ ...e.metric, source: e.source }));
  return stringify({ version: 1, project: projectId, metrics }, { lineWidth: 0 });
}

/**
 * Validates a dictionary file as a whole (schema, formulas, loops), then upserts every
 * metric that differs from the built-in catalogue in one transaction: nothing is written
 * when anything is wrong.
 */
export async function applyDictionary(ctx: Pick<AppContext, 'meta'>, projectId: string, text: string): Promise<{ upserted: string[]; unchanged: string[] }> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new FupanError('dictionary_invalid', { path: '(file)', problem: (e as Error).message });
  }
  const list = (doc as { metrics?: unknown })?.metrics;
  if (!Array.isArray(list)) throw new FupanError('dictionary_invalid', { path: 'metrics', problem: 'expected a list of metrics' });
  const parsed: Metric[] = [];
  const seen = new Set<string>();
  list.forEach((raw, i) => {
    const { source: _source, ...body } = (raw ?? {}) as Record<string, unknown>;
    const r = metricSchema.safeParse(body);
    if (!r.success) {
      const first = describeIssues(r.error)[0]!;
      throw new FupanError('dictionary_invalid', { path: `metrics.${i}.${first.path}`, problem: first.problem });
    }
    if (seen.has(r.data.key)) throw new FupanError('dictionary_invalid', { path: `metrics.${i}.key`, problem: `duplicate key ${r.data.key}` });
    seen.add(r.data.key);
    parsed.push(r.data);
  });
  const dict = metricsOf(await loadDictionary(ctx.meta, projectId));
  for (const m of parsed) dict.set(m.key, m);
  validateDictionary(dict);
  const upserted: string[] = [];
  const unchanged: string[] = [];
  await ctx.meta.transaction(async (tx) => {
    for (const m of parsed) {
      const builtin = BUILTINS.get(m.key);
      if (builtin && JSON.stringify(builtin) === JSON.stringify(m)) {
        unchanged.push(m.key);
        continue;
      }
      await tx.query(
        `INSERT INTO metrics (project_id, key, body, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (project_id, key) DO UPDATE SET body = EXCLUDED.body, updated_at = now()`,
        [projectId, m.key, JSON.stringify(m)],
      );
      upserted.push(m.key);
    }
  });
  return { upserted, unchanged };
}
