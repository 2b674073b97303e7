import type { Command } from 'commander';
import { createProject, listProjects } from '../../app/projects.js';
import type { Project } from '../../app/projects.js';
import { output, withStorageOrServer } from '../context.js';

/** `fupan project create|list` */
export function registerProject(program: Command): void {
  const project = program.command('project').description('create and list projects / 创建和查看项目');

  project
    .command('create <name>')
    .description('create a project and print its id and ingest key / 创建项目并输出其 id 与采集密钥')
    .option('--id <id>', 'project id (default: generated)')
    .option('--time-zone <tz>', 'IANA time zone, e.g. Asia/Shanghai', 'UTC')
    .option('--week-start <day>', 'monday or sunday', 'monday')
    .option('--currency <code>', 'ISO 4217 currency code', 'CNY')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { id?: string; timeZone: string; weekStart: string; currency: string }, cmd: Command) =>
      withStorageOrServer(
        cmd,
        async (run) => printCreated(run, await createProject(run.ctx, input(name, opts))),
        async (server, run) => printCreated(run, await server.request('POST', '/api/projects', input(name, opts))),
      ),
    );

  project
    .command('list')
    .description('list projects / 列出项目')
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) =>
      withStorageOrServer(
        cmd,
        async (run) => printList(run, await listProjects(run.ctx)),
        async (server, run) => printList(run, (await server.request<{ projects: Project[] }>('GET', '/api/projects')).projects),
      ),
    );
}

function input(name: string, opts: { id?: string; timeZone: string; weekStart: string; currency: string }) {
  return { name, timeZone: opts.timeZone, weekStart: opts.weekStart as 'monday', currency: opts.currency, ...(opts.id ? { id: opts.id } : {}) };
}

function printCreated(run: { json: boolean; lang: string }, created: { project: Project; ingestKey: string }): void {
  const { project, ingestKey } = created;
  output(run, { id: project.id, ingestKey }, () =>
    run.lang === 'zh-CN'
      ? `已创建项目 ${project.name}（id: ${project.id}）\n采集密钥（只显示一次）：${ingestKey}`
      : `Created project ${project.name} (id: ${project.id})\nIngest key (shown once): ${ingestKey}`,
  );
}

function printList(run: { json: boolean; lang: string }, projects: Project[]): void {
  output(run, projects, () =>
    projects.length
      ? projects.map((p) => `${p.id}\t${p.name}\t${p.timeZone}\t${p.currency}\tweek starts ${p.weekStart}`).join('\n')
      : run.lang === 'zh-CN'
        ? '还没有项目。用 `fupan project create <名称>` 创建一个。'
        : 'No projects yet. Create one with `fupan project create <name>`.',
  );
}
