import { compile, p, sql } from '../../sql/index.js';
import type { CompiledQuery } from '../../sql/types.js';
import type { ResolvedRange } from '../shared/date-range.js';
import { compileFilters } from '../shared/filters.js';
import { eventsWithPersons } from '../shared/persons.js';
import { eventPropertyNumber, eventPropertyString, propertyString } from '../shared/properties.js';
import type { NpsSpec } from './schema.js';

/**
 * One answer per person: the latest answer in the range counts (a person who answered
 * twice is not counted twice). Scores outside 0–10 are ignored.
 */
export function compileNpsScores(spec: NpsSpec, projectId: string, range: ResolvedRange): CompiledQuery {
  const where = spec.survey ? sql`${compileFilters(spec.filters)} AND ${propertyString('survey')} = ${p.string(spec.survey)}` : compileFilters(spec.filters);
  const source = eventsWithPersons({ projectId, range, events: [spec.event], eventWhere: where });
  return compile(sql`
    SELECT
      count() AS n,
      countIf(score >= 9) AS promoters,
      countIf(score >= 7 AND score <= 8) AS passives,
      countIf(score <= 6) AS detractors
    FROM (
      SELECT person_id, argMax(${eventPropertyNumber(spec.event, spec.scoreProperty)}, timestamp) AS score
      FROM ${source}
      GROUP BY person_id
    )
    WHERE score IS NOT NULL AND score >= 0 AND score <= 10`);
}

/** The comments in the range (newest first, at most 20,000; equal times by text, so the same answers are kept every time) for theme extraction. */
export function compileNpsComments(spec: NpsSpec, projectId: string, range: ResolvedRange): CompiledQuery {
  const where = spec.survey ? sql`${compileFilters(spec.filters)} AND ${propertyString('survey')} = ${p.string(spec.survey)}` : compileFilters(spec.filters);
  const source = eventsWithPersons({ projectId, range, events: [spec.event], eventWhere: where });
  return compile(sql`
    SELECT comment FROM (SELECT ${eventPropertyString(spec.event, spec.commentProperty)} AS comment, timestamp FROM ${source})
    WHERE comment != '' ORDER BY timestamp DESC, comment LIMIT 20000`);
}
