import { type Fragment, sql } from '../../sql/index.js';
import type { Chunk, DemoPlan } from '../plan.js';
import { storyConstants } from './constants.js';
import { personsQuery } from './persons.js';

/**
 * Persons who appear in the window: acquired inside it, or signed up before it (they
 * come back). Persons acquired during the warm-up who never signed up left no trace.
 */
const VISIBLE = sql.trusted('(a >= 0 OR signed)');

/**
 * `person_distinct_ids` for one chunk: the anonymous id of every person and the user id
 * of those who signed up, both pointing at the person. For late-merged persons the
 * anonymous id first pointed at the old person (version 1) and was re-pointed at the
 * merge (version 2), as an ingest-time resolution followed by a later merge would leave it.
 */
export function insertDistinctIds(plan: DemoPlan, chunk: Chunk): Fragment {
  return sql`INSERT INTO person_distinct_ids (project_id, distinct_id, person_id, version)
${storyConstants(plan)}
SELECT project, r.1, r.2, r.3
FROM (${personsQuery(chunk)})
ARRAY JOIN arrayConcat(
  [tuple(anon_id, person_uuid, toUInt64(if(late, 2, 1)))],
  if(late, [tuple(anon_id, old_person_uuid, toUInt64(1))], []),
  if(signed, [tuple(user_id, person_uuid, toUInt64(1))], [])) AS r
WHERE ${VISIBLE}`;
}

/**
 * `person_numbers` for one chunk (dense numbers, see migration 0003): 2·pid + 1 for the
 * person and 2·pid + 2 for a late-merged person's old id, so chunks need no counter.
 * Written before the chunk's events, whose view looks the numbers up.
 */
export function insertPersonNumbers(plan: DemoPlan, chunk: Chunk): Fragment {
  return sql`INSERT INTO person_numbers (project_id, person_id, num)
${storyConstants(plan)}
SELECT project, r.1, r.2
FROM (${personsQuery(chunk)})
ARRAY JOIN arrayConcat([tuple(person_uuid, toUInt32(2 * pid + 1))], if(late, [tuple(old_person_uuid, toUInt32(2 * pid + 2))], [])) AS r
WHERE ${VISIBLE}`;
}

/** `person_overrides` for one chunk: each late-merged person's old id → the person. */
export function insertOverrides(plan: DemoPlan, chunk: Chunk): Fragment {
  return sql`INSERT INTO person_overrides (project_id, old_person_id, override_person_id, version)
${storyConstants(plan)}
SELECT project, old_person_uuid, person_uuid, 1
FROM (${personsQuery(chunk)})
WHERE late AND ${VISIBLE}`;
}

/**
 * `persons` rows for one chunk: the person's acquisition facts as properties
 * (app, initial channel and campaign, device, region, city, user id once signed up).
 */
export function insertPersons(plan: DemoPlan, chunk: Chunk): Fragment {
  return sql`INSERT INTO persons (project_id, id, properties, created_at, version)
${storyConstants(plan)}
SELECT project, person_uuid,
  concat('{"app":"', app_names[app + 1], '","$initial_channel":"', channel_ids[ch], '"',
    if(campaigns[camp] = '', '', concat(',"$initial_campaign":"', campaigns[camp], '"')),
    ',"device_type":"', device_types[dev], '","$os":"', os_names[os],
    '","region":"', regions[reg], '","city":"', cities[city], '"',
    if(signed, concat(',"user_id":"', user_id, '"'), ''), '}'),
  fromUnixTimestamp64Milli(start_ms + a * 86400000 + acq_sec * 1000, 'UTC'),
  1
FROM (${personsQuery(chunk)})
WHERE ${VISIBLE}`;
}
