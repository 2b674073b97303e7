import type { Command } from 'commander';
import { startServer } from '../../server/listen.js';
import { newAdminToken, withStorage } from '../context.js';

/** `fupan serve [--port] [--host]` */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP server (capture API, query API, web app) / 启动 HTTP 服务')
    .option('--port <port>', 'port to listen on (FUPAN_PORT)')
    .option('--host <host>', 'address to bind (FUPAN_HOST)')
    .action(async (_opts: unknown, cmd: Command) =>
      withStorage(cmd, async (run) => {
        const adminToken = newAdminToken();
        const { url, closed } = await startServer(run.ctx, { adminToken, lock: run.storage.lock, lang: run.lang });
        process.stdout.write(`${run.lang === 'zh-CN' ? 'fupan 已启动' : 'fupan is running at'} ${url}\n`);
        await closed;
      }),
    );
}
