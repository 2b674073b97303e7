import type { MetaMigration } from '../migrate.js';

/**
 * The metric dictionary and goals.
 * metrics — project-scoped metrics: overrides of built-in keys and custom metrics. The
 * metric itself (names, definition, unit, direction, …) is one jsonb document validated by
 * `metricSchema` (src/analyses/metrics/schema.ts); the key is the primary key per project.
 * goals — metric, period (its label and the calendar dates it covers), baseline (null: the
 * previous period's value), target, owner, optional dimension value.
 */
export const migration: MetaMigration = {
  id: '0200_metrics_goals',
  sql: `
    CREATE TABLE metrics (
      project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      key text NOT NULL,
      body jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (project_id, key)
    );
    CREATE TABLE goals (
      id text PRIMARY KEY,
      project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      metric_key text NOT NULL,
      period text NOT NULL,
      period_from date NOT NULL,
      period_to date NOT NULL,
      baseline double precision,
      target double precision NOT NULL,
      owner text NOT NULL DEFAULT '',
      title text NOT NULL DEFAULT '',
      dimension jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX goals_project_period ON goals(project_id, period_from);
  `,
};
