import type { MetaMigration } from '../migrate.js';

/** Saved insights (an analysis spec with a name), optionally pinned to the project's dashboard. */
export const migration: MetaMigration = {
  id: '0400_dashboards',
  sql: `
    CREATE TABLE insights (
      id text PRIMARY KEY,
      project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      name text NOT NULL,
      spec jsonb NOT NULL,
      pinned boolean NOT NULL DEFAULT true,
      position integer NOT NULL DEFAULT 0,
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX insights_project ON insights(project_id, pinned, position);
  `,
};
