import { z } from 'zod';
import { LANGS } from '../core/lang.js';

/**
 * The one configuration schema. Every setting has one name here; it can come from a flag
 * (`--data-dir`), an environment variable (`FUPAN_DATA_DIR`) or the config file
 * (`dataDir`), in that order of precedence, and is parsed once at start-up.
 */
export const configSchema = z
  .object({
    dataDir: z.string().min(1).default('./fupan-data'),
    clickhouseUrl: z
      .url({ protocol: /^https?$/, error: 'expected an http(s):// URL of a ClickHouse server' })
      .optional(),
    databaseUrl: z
      .url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// URL of a PostgreSQL server' })
      .optional(),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce
      .number({ error: 'expected a port number' })
      .int('expected a whole number')
      .min(0, 'expected 0–65535')
      .max(65535, 'expected 0–65535')
      .default(8787),
    /** zh-CN or en-US; `zh` and `en` are accepted shorthands. */
    lang: z
      .enum([...LANGS, 'zh', 'en'], { error: `expected one of ${LANGS.join(', ')} (or zh, en)` })
      .transform((l): (typeof LANGS)[number] => (l === 'zh' ? 'zh-CN' : l === 'en' ? 'en-US' : l))
      .default('zh-CN'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Largest accepted request body, in bytes (capture and import over HTTP). */
    maxBodyBytes: z.coerce.number().int().min(1024).max(1_073_741_824).default(20 * 1024 * 1024),
    /** Events stamped further in the future than this (after skew correction) are clamped and flagged. */
    futureToleranceSeconds: z.coerce.number().int().min(0).max(7 * 24 * 3600).default(3600),
    /** Reject a whole capture batch when one event is invalid (default: keep the good ones). */
    strictIngest: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
      .transform((v) => v === true || v === 'true' || v === '1')
      .default(false),
    /** Where headless Chromium lives (PDF export). */
    chromiumPath: z.string().default('/usr/bin/chromium'),
    /** Base URL of a running fupan server; CLI commands then go through its API. */
    server: z.url().optional(),
  })
  .strict();

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** Environment variable for each setting. */
export const ENV_NAMES: Record<keyof Config, string> = {
  dataDir: 'FUPAN_DATA_DIR',
  clickhouseUrl: 'FUPAN_CLICKHOUSE_URL',
  databaseUrl: 'FUPAN_DATABASE_URL',
  host: 'FUPAN_HOST',
  port: 'FUPAN_PORT',
  lang: 'FUPAN_LANG',
  logLevel: 'FUPAN_LOG_LEVEL',
  maxBodyBytes: 'FUPAN_MAX_BODY_BYTES',
  futureToleranceSeconds: 'FUPAN_FUTURE_TOLERANCE_SECONDS',
  strictIngest: 'FUPAN_STRICT_INGEST',
  chromiumPath: 'FUPAN_CHROMIUM_PATH',
  server: 'FUPAN_SERVER',
};

/** Flag for each setting, as commander names it. */
export const FLAG_NAMES: Record<keyof Config, string> = {
  dataDir: '--data-dir',
  clickhouseUrl: '--clickhouse-url',
  databaseUrl: '--database-url',
  host: '--host',
  port: '--port',
  lang: '--lang',
  logLevel: '--log-level',
  maxBodyBytes: '--max-body-bytes',
  futureToleranceSeconds: '--future-tolerance-seconds',
  strictIngest: '--strict-ingest',
  chromiumPath: '--chromium-path',
  server: '--server',
};
