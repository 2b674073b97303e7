import type { ChMigration } from '../migrate.js';

/**
 * `person_override_numbers`: every merge of `person_overrides` as the dense person numbers
 * (migration 0003) of its two sides, looked up once when the merge is written.
 *
 * Why: every distinct-person count read from the bitmaps applies the project's merges as
 * numbers (`mergedNumbers` in src/analyses/shared/active-persons.ts). Looked up with two
 * `joinGet`s per merge at query time and grouped by the 16-byte ids, that took ~0.22 s per
 * query on the 100 M demo (224 k merges), four times in a quarterly report; read from this
 * table and grouped by the old number it takes ~0.03 s.
 *
 * A view fills it from each insert into `person_overrides`. The one writer
 * (src/ingestion/identity.ts) writes a person's number before any merge that names the
 * person, and the demo writes each chunk's numbers first, so a 0 here means the person has
 * no number — which the queries treat as they did before (an unnumbered old person has no
 * events in any bitmap; an unnumbered surviving person sends the count back to the events).
 * A separate table, not columns of `person_overrides` with a `joinGet` default: a mutation
 * that materialises such a column runs without a current database and cannot resolve the
 * Join table.
 */
const numbered = `SELECT project_id,
      joinGet('person_numbers_join', 'num', toString(project_id), old_person_id) AS old_num,
      joinGet('person_numbers_join', 'num', toString(project_id), override_person_id) AS override_num,
      version
    FROM person_overrides`;

export const migration: ChMigration = {
  version: 5,
  name: 'override_numbers',
  statements: [
    `CREATE TABLE IF NOT EXISTS person_override_numbers (
      project_id LowCardinality(String),
      old_num UInt32,
      override_num UInt32,
      version UInt64
    )
    ENGINE = ReplacingMergeTree(version)
    ORDER BY (project_id, old_num)`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS person_override_numbers_mv TO person_override_numbers AS
    ${numbered}`,
    // The merges already stored (the same rows twice after a crash here: the reads take
    // the latest version per old number, so a repeated row changes nothing).
    `INSERT INTO person_override_numbers ${numbered}`,
  ],
};
