import type { Command } from 'commander';
import { goalsStatus } from '../../goals/status.js';
import { addGoal, listGoals } from '../../goals/store.js';
import { output, withStorage } from '../context.js';

/** `fupan goal add|list|status` */
export function registerGoal(program: Command): void {
  const goal = program.command('goal').description('goals: baseline → target → actual / 目标');

  goal
    .command('add')
    .description('add a goal / 添加目标')
    .requiredOption('--project <id>', 'project id')
    .requiredOption('--metric <key>', 'metric key (fupan metrics list)')
    .requiredOption('--period <period>', '2025-W28 | 2025-07 | 2025-Q3 | 2025-07-01..2025-07-20')
    .requiredOption('--target <number>', 'target value (rates as 0–1)')
    .option('--baseline <number>', 'baseline (default: the previous period’s value)')
    .option('--owner <name>', 'owner', '')
    .option('--title <text>', 'title', '')
    .option('--json', 'print JSON')
    .action(async (opts: { project: string; metric: string; period: string; target: string; baseline?: string; owner: string; title: string }, cmd: Command) =>
      withStorage(cmd, async (run) => {
        const g = await addGoal(run.ctx.meta, opts.project, {
          metric: opts.metric,
          period: opts.period,
          target: Number(opts.target),
          baseline: opts.baseline === undefined ? null : Number(opts.baseline),
          owner: opts.owner,
          title: opts.title,
        });
        output(run, g, () => (run.lang === 'zh-CN' ? `已添加目标 ${g.id}` : `Added goal ${g.id}`));
      }),
    );

  goal
    .command('list')
    .description('list goals / 列出目标')
    .requiredOption('--project <id>', 'project id')
    .option('--period <period>', 'only goals overlapping this period')
    .option('--json', 'print JSON')
    .action(async (opts: { project: string; period?: string }, cmd: Command) =>
      withStorage(cmd, async (run) => {
        const goals = await listGoals(run.ctx.meta, opts.project, opts.period ? { period: opts.period } : {});
        output(run, goals, () => goals.map((g) => `${g.id}\t${g.metric}\t${g.period}\tbaseline ${g.baseline ?? '(previous period)'}\ttarget ${g.target}\t${g.owner}`).join('\n'));
      }),
    );

  goal
    .command('status')
    .description('actual, 达成率, 时间进度, forecast, status and grade / 目标达成情况')
    .requiredOption('--project <id>', 'project id')
    .option('--period <period>', 'only goals overlapping this period')
    .option('--json', 'print JSON')
    .action(async (opts: { project: string; period?: string }, cmd: Command) =>
      withStorage(cmd, async (run) => {
        const all = await goalsStatus(run.ctx, opts.project, opts.period ? { period: opts.period } : {});
        const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
        output(run, all, () =>
          all
            .map((s) =>
              [s.goal.metric, s.goal.period, `actual ${s.actual.value ?? '—'}`, `target ${s.goal.target}`, `${run.lang === 'zh-CN' ? '达成率' : 'attainment'} ${pct(s.assessment.attainment)}`, `${run.lang === 'zh-CN' ? '时间进度' : 'elapsed'} ${pct(s.assessment.timeProgress)}`, s.assessment.status ?? '—', s.assessment.rule[run.lang]].join('\t'),
            )
            .join('\n'),
        );
      }),
    );
}
