import { FupanError } from '../../core/errors/index.js';
import { describeIssues } from '../../core/validation.js';
import type { MetaQueryable } from '../../storage/metadata/store.js';
import { BUILTINS } from './catalogue.js';
import { formulaRefs, parseFormula } from './formula.js';
import { type Metric, metricSchema } from './schema.js';

/** Where a metric of the dictionary comes from. */
export type MetricSource = 'builtin' | 'project' | 'override';
export interface DictionaryEntry {
  metric: Metric;
  source: MetricSource;
}

/** A project's dictionary: the built-in catalogue with the project's overrides and custom metrics. */
export async function loadDictionary(db: MetaQueryable, projectId: string): Promise<Map<string, DictionaryEntry>> {
  const rows = await db.query<{ key: string; body: unknown }>(`SELECT key, body FROM metrics WHERE project_id = $1 ORDER BY key`, [projectId]);
  const dict = new Map<string, DictionaryEntry>();
  for (const [key, metric] of BUILTINS) dict.set(key, { metric, source: 'builtin' });
  for (const r of rows) {
    const parsed = metricSchema.safeParse(typeof r.body === 'string' ? JSON.parse(r.body) : r.body);
    if (!parsed.success) continue; // a stored row that no longer validates is ignored, never half-used
    dict.set(r.key, { metric: parsed.data, source: BUILTINS.has(r.key) ? 'override' : 'project' });
  }
  return dict;
}

export function metricsOf(dict: Map<string, DictionaryEntry>): Map<string, Metric> {
  return new Map([...dict].map(([k, e]) => [k, e.metric]));
}

/**
 * Checks a whole dictionary: each formula parses, refers only to known keys (series
 * letters for trends), and formulas do not refer to each other in a loop.
 */
export function validateDictionary(metrics: Map<string, Metric>): void {
  const refs = new Map<string, string[]>();
  for (const [key, m] of metrics) {
    if (m.definition.kind === 'formula' || (m.definition.kind === 'trends' && m.definition.formula)) {
      let names: string[];
      try {
        names = formulaRefs(parseFormula(m.definition.formula!));
      } catch (e) {
        throw new FupanError('metric_invalid', { key, path: 'definition.formula', problem: `formula: ${(e as Error).message}` });
      }
      if (m.definition.kind === 'trends') {
        const letters = m.definition.series.map((_, i) => String.fromCharCode(65 + i));
        const bad = names.find((n) => !letters.includes(n));
        if (bad) throw new FupanError('metric_invalid', { key, path: 'definition.formula', problem: `formula refers to ${bad}; series are ${letters.join(', ')}` });
      } else {
        const bad = names.find((n) => !metrics.has(n));
        if (bad) throw new FupanError('metric_invalid', { key, path: 'definition.formula', problem: `formula refers to unknown metric ${bad}` });
        refs.set(key, names);
      }
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (k: string, path: string[]) => {
    if (state.get(k) === 'done') return;
    if (state.get(k) === 'visiting') throw new FupanError('metric_cycle', { cycle: [...path.slice(path.indexOf(k)), k].join(' → ') });
    state.set(k, 'visiting');
    for (const r of refs.get(k) ?? []) visit(r, [...path, k]);
    state.set(k, 'done');
  };
  for (const k of refs.keys()) visit(k, []);
}

/** Parses one metric or throws `metric_invalid` naming the field. */
export function parseMetric(value: unknown): Metric {
  const r = metricSchema.safeParse(value);
  if (r.success) return r.data;
  const problems = describeIssues(r.error);
  const first = problems[0]!;
  // `path` / `problems` name the fields (the web form shows each message on its field).
  throw new FupanError('metric_invalid', { key: (value as { key?: unknown })?.key ?? '?', problem: `${first.path}: ${first.problem}`, path: first.path, problems });
}

/** Creates or replaces a project metric (validated against the rest of the dictionary). */
export async function upsertMetric(db: MetaQueryable, projectId: string, value: unknown): Promise<Metric> {
  const metric = parseMetric(value);
  const dict = metricsOf(await loadDictionary(db, projectId));
  dict.set(metric.key, metric);
  validateDictionary(dict);
  await db.query(
    `INSERT INTO metrics (project_id, key, body, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (project_id, key) DO UPDATE SET body = EXCLUDED.body, updated_at = now()`,
    [projectId, metric.key, JSON.stringify(metric)],
  );
  return metric;
}

/** Removes a project metric (an override falls back to the built-in). Returns whether one was removed. */
export async function deleteMetric(db: MetaQueryable, projectId: string, key: string): Promise<boolean> {
  const dict = metricsOf(await loadDictionary(db, projectId));
  if (BUILTINS.has(key)) dict.set(key, BUILTINS.get(key)!);
  else dict.delete(key);
  validateDictionary(dict); // refuses when other formulas still use a custom key
  const rows = await db.query(`DELETE FROM metrics WHERE project_id = $1 AND key = $2 RETURNING key`, [projectId, key]);
  return rows.length > 0;
}
