import type { MetaMigration } from '../migrate.js';

/**
 * Reports and their written parts. A report is a draft until published; publishing stores
 * the built numbers as an immutable snapshot (with the time the data was read), and the
 * written items freeze with it.
 */
export const migration: MetaMigration = {
  id: '0210_reports',
  sql: `
    CREATE TABLE reports (
      id text PRIMARY KEY,
      project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
      period_label text NOT NULL,
      period_kind text NOT NULL,
      from_date date NOT NULL,
      to_date date NOT NULL,
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
      snapshot jsonb,
      data_read_at timestamptz,
      published_at timestamptz,
      published_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (project_id, period_label)
    );
    CREATE TABLE report_items (
      id text PRIMARY KEY,
      report_id text NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('reflection', 'lesson', 'action', 'risk')),
      position integer NOT NULL DEFAULT 0,
      data jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX report_items_report ON report_items(report_id, kind, position);
  `,
};
