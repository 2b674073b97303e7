import { Command } from 'commander';
import { registerExperiment } from './commands/experiment.js';
import { registerImport } from './commands/import.js';
import { registerDemo } from './commands/demo.js';
import { registerProject } from './commands/project.js';
import { registerQuery } from './commands/query.js';
import { registerMetrics } from './commands/metrics.js';
import { registerGoal } from './commands/goal.js';
import { registerReport } from './commands/report.js';
import { registerServe } from './commands/serve.js';
import { registerSql } from './commands/sql.js';
import { registerStats } from './commands/stats.js';
import { registerUser } from './commands/user.js';

/**
 * The `fupan` command. Each command lives in commands/<name>.ts and registers itself
 * here; shared options are global so every command accepts them.
 */
export function buildProgram(): Command {
  const program = new Command('fupan')
    .description('fupan (复盘): growth analytics that drafts your weekly / monthly / quarterly review')
    .version('0.1.0')
    .option('--data-dir <dir>', 'data directory of the embedded engines (FUPAN_DATA_DIR)', undefined)
    .option('--clickhouse-url <url>', 'use a ClickHouse server instead of embedded chDB (FUPAN_CLICKHOUSE_URL)')
    .option('--database-url <url>', 'use a PostgreSQL server instead of embedded PGlite (FUPAN_DATABASE_URL)')
    .option('--config <file>', 'JSON config file (FUPAN_CONFIG, default ./fupan.config.json)')
    .option('--lang <lang>', 'zh-CN or en-US (FUPAN_LANG)')
    .showHelpAfterError()
    .exitOverride((err) => {
      // commander's own usage errors: exit 2 like other CLIs; --help / --version: 0.
      process.exit(err.exitCode === 0 ? 0 : 2);
    });

  registerDemo(program);
  registerProject(program);
  registerImport(program);
  registerServe(program);
  registerSql(program);
  registerUser(program);
  registerQuery(program);
  registerMetrics(program);
  registerGoal(program);
  registerReport(program);
  // Before stats: `fupan experiment analyze` (stats.ts) attaches to this `experiment` command.
  registerExperiment(program);
  registerStats(program);
  return program;
}
