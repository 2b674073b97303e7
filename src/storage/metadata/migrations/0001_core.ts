import type { MetaMigration } from '../migrate.js';

/** Projects and their API keys. Keys are stored as SHA-256 hashes; the secret is shown once. */
export const migration: MetaMigration = {
  id: '0001_core',
  sql: `
    CREATE TABLE projects (
      id text PRIMARY KEY,
      name text NOT NULL,
      time_zone text NOT NULL DEFAULT 'UTC',
      currency text NOT NULL DEFAULT 'CNY',
      week_start text NOT NULL DEFAULT 'monday' CHECK (week_start IN ('monday', 'sunday')),
      settings jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE api_keys (
      id text PRIMARY KEY,
      project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('ingest', 'read')),
      label text NOT NULL DEFAULT '',
      key_hash text NOT NULL UNIQUE,
      key_prefix text NOT NULL,
      user_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    );
    CREATE INDEX api_keys_project ON api_keys(project_id);
  `,
};
