import { readFileSync, existsSync } from 'node:fs';
import { FupanError } from '../core/errors/index.js';
import { type Config, configSchema, ENV_NAMES, FLAG_NAMES } from './schema.js';

export interface ConfigSources {
  /** Values from command-line flags (already camel-cased by the CLI parser). */
  flags?: Partial<Record<keyof Config, unknown>>;
  /** The process environment (passed in: library code never reads process.env). */
  env?: Record<string, string | undefined>;
  /** Path of a JSON config file; `FUPAN_CONFIG` or `./fupan.config.json` when it exists. */
  file?: string;
}

type Source = 'flag' | 'env' | 'file' | 'default';

/**
 * Merges flags over env over the config file over defaults, then validates once.
 * An invalid value throws `config_invalid` naming the setting, where it came from and
 * what is allowed.
 *
 * @example const config = loadConfig({ flags: opts, env: process.env })
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? {};
  const merged: Record<string, unknown> = {};
  const origin: Record<string, Source> = {};

  const filePath = sources.file ?? env.FUPAN_CONFIG ?? (existsSync('fupan.config.json') ? 'fupan.config.json' : undefined);
  if (filePath) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(filePath, 'utf8'));
    } catch (e) {
      throw new FupanError('config_invalid', {
        setting: 'config file',
        source: filePath,
        problem: `cannot read it as JSON (${(e as Error).message})`,
      });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new FupanError('config_invalid', { setting: 'config file', source: filePath, problem: 'expected a JSON object' });
    }
    for (const [k, v] of Object.entries(parsed)) {
      merged[k] = v;
      origin[k] = 'file';
    }
  }
  for (const key of Object.keys(ENV_NAMES) as (keyof Config)[]) {
    const value = env[ENV_NAMES[key]];
    if (value !== undefined && value !== '') {
      merged[key] = value;
      origin[key] = 'env';
    }
  }
  for (const [key, value] of Object.entries(sources.flags ?? {})) {
    if (value !== undefined && key in ENV_NAMES) {
      merged[key] = value;
      origin[key] = 'flag';
    }
  }

  const result = configSchema.safeParse(merged);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const setting = String(issue.path[0] ?? '(unknown)');
  const known = setting in ENV_NAMES;
  const src = origin[setting] ?? 'default';
  const sourceLabel = !known
    ? `config file ${filePath ?? ''}`.trim()
    : src === 'flag'
      ? `flag ${FLAG_NAMES[setting as keyof Config]}`
      : src === 'env'
        ? `environment variable ${ENV_NAMES[setting as keyof Config]}`
        : src === 'file'
          ? `config file ${filePath}`
          : 'default';
  const problem =
    issue.code === 'unrecognized_keys'
      ? `unknown setting(s) ${issue.keys.join(', ')}; allowed: ${Object.keys(ENV_NAMES).join(', ')}`
      : issue.message;
  throw new FupanError('config_invalid', {
    setting: issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : setting,
    source: sourceLabel,
    problem,
  });
}
