import type { MetaMigration } from '../migrate.js';

/**
 * Accounts and access: users (scrypt password hashes), sessions (only the SHA-256 of the
 * session id is stored), per-project memberships with a role, invitations (token stored
 * hashed). Personal read keys reuse `api_keys` (kind `read`, `user_id` set).
 */
export const migration: MetaMigration = {
  id: '0100_auth',
  sql: `
    CREATE TABLE users (
      id text PRIMARY KEY,
      email text NOT NULL UNIQUE,
      name text NOT NULL DEFAULT '',
      password_hash text NOT NULL,
      lang text CHECK (lang IN ('zh-CN', 'en-US')),
      is_admin boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      password_changed_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE sessions (
      id_hash text PRIMARY KEY,
      user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX sessions_user ON sessions(user_id);
    CREATE TABLE memberships (
      project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (project_id, user_id)
    );
    CREATE INDEX memberships_user ON memberships(user_id);
    CREATE TABLE invitations (
      id text PRIMARY KEY,
      token_hash text NOT NULL UNIQUE,
      project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      email text,
      role text NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
      invited_by text REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      accepted_at timestamptz,
      accepted_by text REFERENCES users(id) ON DELETE SET NULL,
      revoked_at timestamptz
    );
    CREATE INDEX invitations_project ON invitations(project_id);
  `,
};
