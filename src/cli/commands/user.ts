import type { Command } from 'commander';
import { createUser } from '../../app/auth/users.js';
import { output, withStorage } from '../context.js';

/** `fupan user create --email --password [--name] [--lang]` */
export function registerUser(program: Command): void {
  const user = program.command('user').description('manage web accounts / 管理网页账号');

  user
    .command('create')
    .description(
      'create an account; the first one becomes the administrator and owner of existing projects / 创建账号；第一个账号成为管理员并拥有现有项目',
    )
    .requiredOption('--email <email>', 'email address used to sign in')
    .requiredOption('--password <password>', 'password (at least 8 characters)')
    .option('--name <name>', 'display name', '')
    .option('--user-lang <lang>', 'preferred language of the web app: zh-CN or en-US')
    .option('--json', 'print JSON')
    .action(async (opts: { email: string; password: string; name: string; userLang?: string }, cmd: Command) =>
      withStorage(cmd, async (run) => {
        const { user: created, first } = await createUser(run.ctx, {
          email: opts.email,
          password: opts.password,
          name: opts.name,
          ...(opts.userLang ? { lang: opts.userLang as 'zh-CN' } : {}),
        });
        output(run, { user: created, first }, () => {
          if (run.lang === 'zh-CN') {
            return `已创建账号 ${created.email}（id: ${created.id}）${first ? '\n这是第一个账号：已设为管理员，并成为所有现有项目的所有者。' : ''}`;
          }
          return `Created account ${created.email} (id: ${created.id})${first ? '\nThis is the first account: it is the administrator and owns every existing project.' : ''}`;
        });
      }),
    );
}
