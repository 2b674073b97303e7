import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { type DemoSummary, runDemo } from '../../app/demo.js';
import { FupanError } from '../../core/errors/index.js';
import type { Lang } from '../../core/lang.js';
import type { DemoProgress } from '../../demo/runner.js';
import { startServer } from '../../server/listen.js';
import { newAdminToken, output, withStorage } from '../context.js';

interface DemoOpts {
  events?: string;
  seed?: string;
  days?: string;
  today?: string;
  serve: boolean;
  json?: boolean;
  progress?: boolean;
}

/** `fupan demo [--events N] [--seed S] [--no-serve]` */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('create the demo project with deterministic sample data, then serve it / 生成演示项目与示例数据并启动服务')
    .option('--events <n>', 'about how many events to generate (default 1,500,000)')
    .option('--seed <n>', 'random seed: the same seed gives the same data')
    .option('--days <n>', 'days of data ending today (at least 120, default 180)')
    .option('--today <date>', 'pretend today is this date (YYYY-MM-DD, Asia/Shanghai), for reproducible data')
    .option('--no-serve', 'only generate the data; do not start the server')
    .option('--json', 'print a JSON summary')
    .option('--progress', 'show progress even when stderr is not a terminal (a line every 10 s)')
    .option('--no-progress', 'never show progress')
    .action(async (opts: DemoOpts, cmd: Command) =>
      withStorage(cmd, async (run) => {
        const show = opts.progress === true || (opts.progress !== false && Boolean(process.stderr.isTTY));
        const bar = show ? progressBar(run.lang) : { update: () => undefined, stop: () => undefined };
        let summary: DemoSummary;
        try {
          summary = await runDemo(
            run.ctx,
            {
              ...(opts.events !== undefined ? { events: opts.events.replace(/[_,]/g, '') } : {}),
              ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
              ...(opts.days !== undefined ? { days: opts.days } : {}),
              ...(opts.today !== undefined ? { now: endOfDay(opts.today) } : {}),
            } as never,
            bar.update,
          );
        } finally {
          bar.stop();
        }
        if (!opts.serve) {
          output(run, summary, () => describe(summary, run.lang));
          return;
        }
        const adminToken = newAdminToken();
        const { url, closed } = await startServer(run.ctx, { adminToken, lock: run.storage.lock, lang: run.lang });
        output(run, { ...summary, url }, () =>
          `${describe(summary, run.lang)}\n${run.lang === 'zh-CN' ? 'fupan 已启动' : 'fupan is running at'} ${url}`,
        );
        await closed;
      }),
    );
}

/** The last millisecond of a local (Asia/Shanghai) day, so "today" has its whole day of data. */
function endOfDay(date: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
    throw new FupanError('invalid_input', { path: 'today', problem: 'expected a date YYYY-MM-DD' });
  }
  return new Date(Date.parse(`${date}T23:59:59.999+08:00`));
}

/** A progress bar on stderr counting persons generated (a line every 10 s off a terminal). */
function progressBar(lang: Lang): { update: (p: DemoProgress) => void; stop: () => void } {
  const zh = lang === 'zh-CN';
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: zh
        ? '生成演示数据 [{bar}] {percentage}% | 用户 {value}/{total} | 事件 {events} | {phase}'
        : 'demo data [{bar}] {percentage}% | persons {value}/{total} | events {events} | {phase}',
      hideCursor: true,
      etaBuffer: 20,
      // Off a terminal (CI logs, nohup), a plain line every 10 s instead of a redrawn bar.
      noTTYOutput: !process.stderr.isTTY,
      notTTYSchedule: 10_000,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const phases: Record<DemoProgress['phase'], string> = zh
    ? { reset: '清除旧数据', generate: '生成事件', spend: '广告花费', steps: '步骤', done: '完成' }
    : { reset: 'clearing old rows', generate: 'generating', spend: 'ad spend', steps: 'step', done: 'done' };
  return {
    update(p) {
      const payload = { events: p.events.toLocaleString('en-US'), phase: p.step ? `${phases[p.phase]} ${p.step}` : phases[p.phase] };
      if (!started) {
        bar.start(p.total, p.done, payload);
        started = true;
      } else bar.update(p.done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function describe(s: DemoSummary, lang: Lang): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const f = s.facts;
  if (lang === 'zh-CN') {
    return [
      `${s.replaced ? '已替换' : '已创建'}演示项目 ${s.project.name}（id: ${s.project.id}，时区 ${s.project.timeZone}，币种 ${s.project.currency}）`,
      `数据 ${s.from} 至 ${s.to}：${n(s.events)} 个事件，${n(s.persons)} 个用户，${n(s.adSpendRows)} 行广告花费；用时 ${s.seconds} 秒（${n(s.eventsPerSecond)} 事件/秒），种子 ${s.seed}`,
      `埋点异常：${f.anomaly.date} 版本 ${f.anomaly.appVersion} 的 ${f.anomaly.fromEvent} → ${f.anomaly.event} 转化崩溃`,
      `渠道变化：${f.shift.channel} 自 ${f.shift.from} 起 ${f.shift.fromEvent} → ${f.shift.event} 转化下降`,
      `A/B 实验 ${f.experiment.key}：${f.experiment.start} 至 ${f.experiment.end}；ROAS 低于 1 的渠道：${f.lowRoasChannel}`,
      `采集密钥（只显示一次）：${s.ingestKey}`,
    ].join('\n');
  }
  return [
    `${s.replaced ? 'Replaced' : 'Created'} the demo project ${s.project.name} (id: ${s.project.id}, ${s.project.timeZone}, ${s.project.currency})`,
    `Data ${s.from} to ${s.to}: ${n(s.events)} events, ${n(s.persons)} persons, ${n(s.adSpendRows)} ad-spend rows in ${s.seconds} s (${n(s.eventsPerSecond)} events/s), seed ${s.seed}`,
    `Planted anomaly: ${f.anomaly.fromEvent} → ${f.anomaly.event} breaks for app version ${f.anomaly.appVersion} on ${f.anomaly.date}`,
    `Planted shift: ${f.shift.channel}'s ${f.shift.fromEvent} → ${f.shift.event} conversion drops from ${f.shift.from}`,
    `Experiment ${f.experiment.key}: ${f.experiment.start} to ${f.experiment.end}; channel with ROAS below 1: ${f.lowRoasChannel}`,
    `Ingest key (shown once): ${s.ingestKey}`,
  ].join('\n');
}
