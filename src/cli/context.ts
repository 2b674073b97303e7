import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { AppContext } from '../app/context.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { FupanError, isFupanError } from '../core/errors/index.js';
import { type Lang, pickLang } from '../core/lang.js';
import { openStorage, type Storage } from '../storage/open.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { serverFor, type ServerClient } from './remote.js';

export interface CliRun {
  ctx: AppContext;
  storage: Storage;
  lang: Lang;
  json: boolean;
}

/** Reads the configuration once from the command's flags (with the global ones) and the environment. */
export function configFrom(cmd: Command): Config {
  const opts = cmd.optsWithGlobals() as Record<string, unknown>;
  const { config: file, ...flags } = opts;
  return loadConfig({ flags, env: process.env, ...(typeof file === 'string' ? { file } : {}) });
}

export function langFrom(cmd: Command | undefined): Lang {
  const opts = (cmd?.optsWithGlobals() ?? {}) as { lang?: string };
  return pickLang(opts.lang ?? process.env.FUPAN_LANG ?? process.env.LC_ALL ?? process.env.LANG, 'en-US');
}

/**
 * Runs a command's body with opened storage, then closes it. Errors become a message in
 * the user's language on stderr (or `{ "error": … }` on stdout with --json) and an exit
 * code from exit-codes.ts.
 */
export async function withStorage(cmd: Command, body: (run: CliRun) => Promise<number | void>): Promise<void> {
  const lang = langFrom(cmd);
  const json = Boolean((cmd.optsWithGlobals() as { json?: boolean }).json);
  let storage: Storage | undefined;
  try {
    const config = configFrom(cmd);
    storage = await openStorage(config);
    const code = await body({ ctx: { config, engine: storage.engine, meta: storage.meta }, storage, lang, json });
    process.exitCode = code ?? EXIT.ok;
  } catch (e) {
    process.exitCode = reportError(e, lang, json);
  } finally {
    await storage?.close().catch(() => undefined);
  }
}

/**
 * Like `withStorage`, but when a running `fupan serve` owns the data directory, runs
 * `remote` through that server's HTTP API instead of stopping.
 */
export async function withStorageOrServer(
  cmd: Command,
  local: (run: CliRun) => Promise<number | void>,
  remote: (server: ServerClient, run: { lang: Lang; json: boolean }) => Promise<number | void>,
): Promise<void> {
  const lang = langFrom(cmd);
  const json = Boolean((cmd.optsWithGlobals() as { json?: boolean }).json);
  let server: ServerClient | undefined;
  try {
    const config = configFrom(cmd);
    if (!config.clickhouseUrl || !config.databaseUrl) server = serverFor(config.dataDir, lang);
  } catch (e) {
    process.exitCode = reportError(e, lang, json);
    return;
  }
  if (!server) return withStorage(cmd, local);
  try {
    process.exitCode = (await remote(server, { lang, json })) ?? EXIT.ok;
  } catch (e) {
    process.exitCode = reportError(e, lang, json);
  }
}

/** Runs a command that needs no storage (pure computations, file checks). */
export async function withoutStorage(cmd: Command, body: (run: { lang: Lang; json: boolean }) => Promise<number | void>): Promise<void> {
  const lang = langFrom(cmd);
  const json = Boolean((cmd.optsWithGlobals() as { json?: boolean }).json);
  try {
    process.exitCode = (await body({ lang, json })) ?? EXIT.ok;
  } catch (e) {
    process.exitCode = reportError(e, lang, json);
  }
}

export function reportError(e: unknown, lang: Lang, json: boolean): number {
  const err = isFupanError(e) ? e : new FupanError('internal', { id: (e as Error)?.message ?? String(e) });
  if (json) process.stdout.write(JSON.stringify({ error: err.toJSON(lang) }, null, 2) + '\n');
  else process.stderr.write(`${lang === 'zh-CN' ? '错误' : 'Error'}: ${err.messageIn(lang)}\n`);
  if (!isFupanError(e) && process.env.FUPAN_DEBUG) console.error(e);
  return exitCodeFor(err.code);
}

/** Prints data as JSON (--json) or through a human renderer. */
export function output(run: { json: boolean }, data: unknown, human: () => string): void {
  process.stdout.write((run.json ? JSON.stringify(data, null, 2) : human()) + '\n');
}

export function newAdminToken(): string {
  return 'fpa_' + randomBytes(24).toString('base64url');
}
