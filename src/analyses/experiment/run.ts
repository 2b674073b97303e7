import { FupanError, isFupanError } from '../../core/errors/index.js';
import type { Bilingual } from '../../core/lang.js';
import { adjustedInterval, adjustPValues, analyzeExperiment, srm, type ArmResult } from '../../stats/index.js';
import type { Engine } from '../../storage/engine.js';
import type { AnalysisContext } from '../shared/context.js';
import { LIMITS } from '../shared/limits.js';
import { addDays, startOfLocalDay } from '../shared/time-zone.js';
import { compileExposures, compileMetrics, compileQuantileCounts, compileQuantileValues, type ExperimentWindow, metricRows, MULTIPLE, UNKNOWN } from './compile.js';
import { type ArmEvidence, decideArm, decideExperiment, type DecisionResult, SRM_THRESHOLD, type Verdict, verdictOf } from './decide.js';
import { plannedSampleSize, type PlannedSize } from './plan.js';
import { type ExperimentDefinition, type ExperimentMetric, metricKey } from './schema.js';
import { armsFromRows, engineType, type MetricRow, type QuantileCount, quantileArms, quantileRankPlan } from './shape.js';

export interface VariantMetric extends Pick<ArmResult, 'lift' | 'ci' | 'se' | 'pValue' | 'chanceToWin' | 'risk' | 'n' | 'value'> {
  variant: string;
  adjusted?: { method: 'holm' | 'bh'; pValue: number; ci: ArmResult['ci'] };
  verdict: Verdict;
  cupedTheta?: number;
  error?: { code: string; message: string };
}

export interface MetricResult {
  key: string;
  name: string;
  role: 'goal' | 'guardrail';
  type: ExperimentMetric['type'];
  inverse: boolean;
  control: { variant: string; n: number; value: number | null };
  variants: VariantMetric[];
  /** The engine input (sufficient statistics per variant), so anyone can re-run it. */
  input: Record<string, unknown>;
  error?: { code: string; message: string };
}

export interface ExperimentResults {
  key: string;
  name: string;
  method: ExperimentDefinition['method'];
  difference: ExperimentDefinition['difference'];
  alpha: number;
  adjust: ExperimentDefinition['adjust'];
  window: { start: string; end: string | null; from: string; to: string; ended: boolean; timeZone: string };
  exposures: {
    variants: { key: string; name: string; weight: number; persons: number; share: number | null; expectedShare: number }[];
    /** Persons exposed to more than one variant: excluded from every metric, counted here. */
    multipleVariants: number;
    /** Persons whose only variant value is not in the definition: excluded, counted. */
    unknownVariant: number;
    analysed: number;
  };
  srm: { pValue: number | null; warning: boolean; threshold: number };
  progress: { persons: number; planned: PlannedSize | null; share: number | null; complete: boolean };
  metrics: MetricResult[];
  decision: DecisionResult;
  decisions: DecisionResult[];
  notes: Bilingual[];
}

/** The exposure window: [start's local midnight, min(end + 1 day's local midnight, now)). */
export function experimentWindow(def: ExperimentDefinition, ctx: Pick<AnalysisContext, 'projectId' | 'timeZone' | 'now'>): ExperimentWindow & { ended: boolean } {
  const from = startOfLocalDay(def.start, ctx.timeZone);
  const endAt = def.end ? startOfLocalDay(addDays(def.end, 1), ctx.timeZone) : null;
  const to = endAt && endAt < ctx.now ? endAt : ctx.now;
  if ((to.getTime() - from.getTime()) / 86_400_000 > LIMITS.maxRangeDays) {
    throw new FupanError('too_expensive', { problem: `the experiment spans more than ${LIMITS.maxRangeDays} days` });
  }
  return { projectId: ctx.projectId, from, to: to > from ? to : from, now: ctx.now, ended: endAt !== null && endAt <= ctx.now };
}

/** Engine input of every metric, in order: the conversion, mean and ratio metrics in one query (`compileMetrics`), quantiles in two each. */
async function metricInputs(def: ExperimentDefinition, all: readonly ExperimentMetric[], w: ExperimentWindow, engine: Engine, o: object): Promise<Record<string, unknown>[][]> {
  const plain = all.filter((m) => m.type !== 'quantile');
  const rows = plain.length ? await engine.query<MetricRow>(compileMetrics(def, plain, w), o) : [];
  const out: Record<string, unknown>[][] = [];
  for (const m of all) out.push(m.type === 'quantile' ? await quantileInput(def, m, w, engine, o) : armsFromRows(def, m, metricRows(rows, plain.indexOf(m), plain.length)));
  return out;
}

async function quantileInput(def: ExperimentDefinition, m: Extract<ExperimentMetric, { type: 'quantile' }>, w: ExperimentWindow, engine: Engine, o: object): Promise<Record<string, unknown>[]> {
  const counts = await engine.query<QuantileCount>(compileQuantileCounts(def, m, w), o);
  const plan = quantileRankPlan(m, counts);
  const values = plan.length ? await engine.query<Record<string, number[]>>(compileQuantileValues(def, m, w, plan), o) : [];
  return quantileArms(def, m, counts, plan, plan.map((_, i) => values[0]?.[`v${i}`] ?? [0, 0, 0]));
}

function analyse(def: ExperimentDefinition, m: ExperimentMetric, key: string, role: MetricResult['role'], arms: Record<string, unknown>[]): MetricResult {
  const input = {
    metric: { type: engineType(m), inverse: m.inverse },
    method: def.method,
    difference: def.difference,
    alpha: def.alpha,
    sequentialTuning: def.sequentialTuning,
    ...(def.prior ? { prior: def.prior } : {}),
    arms,
  };
  const head = { key, name: m.name ?? key, role, type: m.type, inverse: m.inverse, input };
  const control = { variant: def.variants[0]!.key, n: Number(arms[0]?.n ?? 0), value: null };
  try {
    const r = analyzeExperiment(input);
    const variants = r.arms.map((a): VariantMetric => ({
      variant: a.name, n: a.n, value: a.value, lift: a.lift, ci: a.ci, se: a.se, pValue: a.pValue, chanceToWin: a.chanceToWin, risk: a.risk,
      verdict: 'unknown',
      ...(a.cupedTheta !== undefined ? { cupedTheta: a.cupedTheta } : {}),
      ...(a.error ? { error: a.error } : {}),
    }));
    return { ...head, control: { ...control, value: r.control.value }, variants };
  } catch (e) {
    if (!isFupanError(e) || e.code !== 'invalid_input') throw e;
    const error = { code: 'not_enough_data', message: `${e.message} (every variant needs at least 2 exposed persons with data)` };
    const variants = def.variants.slice(1).map((v, i): VariantMetric => ({
      variant: v.key, n: Number(arms[i + 1]?.n ?? 0), value: null, lift: null, ci: [null, null], se: null, pValue: null, chanceToWin: null, risk: null, verdict: 'unknown',
    }));
    return { ...head, control, variants, error };
  }
}

/** Holm / BH across the goal metrics (all goal × variant comparisons are one family). */
function adjustGoals(def: ExperimentDefinition, goals: MetricResult[]): void {
  if (def.adjust === 'none' || def.method === 'bayesian') return;
  const tested = goals.flatMap((g) => g.variants).filter((v) => v.pValue !== null && v.lift !== null);
  if (tested.length < 2) return;
  const adjusted = adjustPValues(def.adjust, tested.map((v) => v.pValue as number));
  tested.forEach((v, i) => {
    const p = adjusted[i]!;
    v.adjusted = { method: def.adjust as 'holm' | 'bh', pValue: p, ci: adjustedInterval(v.lift as number, p, def.alpha, 'two') };
  });
}

/**
 * Experiment results from events: exposures, SRM, sufficient statistics per metric and
 * variant in ClickHouse, the statistics engine, the adjustment across goals, progress and
 * the decision. See docs/experiments.md.
 */
export async function runExperiment(def: ExperimentDefinition, ctx: AnalysisContext, engine: Engine): Promise<ExperimentResults> {
  const w = experimentWindow(def, ctx);
  const o = ctx.signal ? { signal: ctx.signal } : {};
  const exposureRows = await engine.query<{ variant: string; persons: number }>(compileExposures(def, w), o);
  const count = (v: string) => Number(exposureRows.find((r) => r.variant === v)?.persons ?? 0);
  const persons = def.variants.map((v) => count(v.key));
  const analysed = persons.reduce((a, b) => a + b, 0);
  const totalWeight = def.variants.reduce((a, v) => a + v.weight, 0);
  const srmP = analysed > 0 ? srm({ counts: persons, weights: def.variants.map((v) => v.weight) }).pValue : null;

  const all = [...def.metrics, ...def.guardrails];
  const inputs = await metricInputs(def, all, w, engine, o);
  const metrics: MetricResult[] = all.map((m, i) => analyse(def, m, metricKey(m, i, def.metrics.length), i < def.metrics.length ? 'goal' : 'guardrail', inputs[i]!));
  const goals = metrics.filter((m) => m.role === 'goal');
  adjustGoals(def, goals);
  for (const m of metrics) for (const v of m.variants) v.verdict = verdictOf(v, def.method, def.alpha, m.inverse);

  const planned = plannedSampleSize(def);
  const share = planned ? analysed / planned.total : null;
  const complete = w.ended || (share !== null && share >= 1);
  const evidence: ArmEvidence[] = def.variants.slice(1).map((v) => {
    const pick = (role: MetricResult['role']) =>
      metrics.filter((m) => m.role === role).map((m) => {
        const x = m.variants.find((a) => a.variant === v.key)!;
        return { name: m.name, verdict: x.verdict, lift: x.lift };
      });
    return { variant: v.key, goals: pick('goal'), guardrails: pick('guardrail') };
  });
  const decisions = evidence.map((a) => decideArm(a, { method: def.method, srmPValue: srmP, complete, progress: share, difference: def.difference }));

  const notes: Bilingual[] = [];
  if (count(MULTIPLE) > 0) {
    notes.push({ 'en-US': `${count(MULTIPLE)} persons saw more than one variant and are excluded from every metric.`, 'zh-CN': `${count(MULTIPLE)} 人看到了不止一个版本，已从所有指标中排除。` });
  }
  if (def.cuped) notes.push({ 'en-US': `CUPED: each metric over the ${def.cuped.preDays} days before a person's first exposure is the covariate.`, 'zh-CN': `CUPED：以每人首次曝光前 ${def.cuped.preDays} 天的同一指标作为协变量。` });

  return {
    key: def.key,
    name: def.name ?? def.key,
    method: def.method,
    difference: def.difference,
    alpha: def.alpha,
    adjust: def.adjust,
    window: { start: def.start, end: def.end, from: w.from.toISOString(), to: w.to.toISOString(), ended: w.ended, timeZone: ctx.timeZone },
    exposures: {
      variants: def.variants.map((v, i) => ({
        key: v.key, name: v.name ?? v.key, weight: v.weight, persons: persons[i]!,
        share: analysed ? persons[i]! / analysed : null, expectedShare: totalWeight ? v.weight / totalWeight : 0,
      })),
      multipleVariants: count(MULTIPLE),
      unknownVariant: count(UNKNOWN),
      analysed,
    },
    srm: { pValue: srmP, warning: srmP !== null && srmP < SRM_THRESHOLD, threshold: SRM_THRESHOLD },
    progress: { persons: analysed, planned, share, complete },
    metrics,
    decision: decideExperiment(evidence, decisions),
    decisions,
    notes,
  };
}
