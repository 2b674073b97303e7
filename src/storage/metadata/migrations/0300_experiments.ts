import type { MetaMigration } from '../migrate.js';

/**
 * Experiment definitions. The definition itself (name, hypothesis, variants and weights,
 * exposure event and properties, dates, goal and guardrail metrics, CUPED pre-period,
 * planned sample size, method, α) is one jsonb document validated by
 * `experimentDefinitionSchema` (src/analyses/experiment/schema.ts); the key is unique per
 * project. `status` is kept as a column too so lists can filter without parsing bodies.
 */
export const migration: MetaMigration = {
  id: '0300_experiments',
  sql: `
    CREATE TABLE experiments (
      project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      key text NOT NULL,
      status text NOT NULL DEFAULT 'draft',
      body jsonb NOT NULL,
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (project_id, key)
    );
    CREATE INDEX experiments_project_status ON experiments(project_id, status);
  `,
};
