import { type Fragment, p, sql } from '../../sql/index.js';
import type { Chunk } from '../plan.js';
import { normal, pick, u, uuidOf } from './random.js';

/**
 * One row per person of a chunk, with everything decided once per person: acquisition
 * day, app, channel and campaign, device, region, engagement, whether and how they
 * signed up, and their sessions (window day and session index; session 0 is the
 * acquisition session). Reads the story constants from the statement's WITH clause
 * (see constants.ts). Used by the event, identity and person-row generators alike, so
 * all of them agree about every person.
 *
 * Person draws use keys (pid, 1…30); session draws (pid, si, …) live in events.ts.
 */
export function personsQuery(chunk: Chunk): Fragment {
  return sql`
SELECT
  pid, a, app, ch, camp, dev, os, reg, city, eng, prop, acq_sec, signed, late, treat, survey_si, caller, buyer,
  days, sis,
  if(app = 0, arrayFirstIndex((d, i) -> i >= 1 AND d >= exp_start AND d <= exp_end, days, sis), 0) AS exp_pos,
  ${uuidOf('pid', 1001)} AS person_uuid,
  ${uuidOf('pid', 1002)} AS old_person_uuid,
  concat(anon_prefix, lower(hex(cityHash64(seed, pid, 1003)))) AS anon_id,
  concat(user_prefix, toString(10000000 + pid)) AS user_id
FROM (
  SELECT *,
    arrayMap((d, i) -> d >= 0 AND d <= last_day
        AND (i = 0 OR ${u('pid', 'i', 18)} < wd_session[((d + wd0) % 7) + 1]),
      raw_days, range(n_ret + 1)) AS keep,
    arrayFilter((d, m) -> m, raw_days, keep) AS days,
    arrayFilter((i, m) -> m, range(n_ret + 1), keep) AS sis
  FROM (
    SELECT *,
      arrayConcat([a], arrayMap(g -> a + g, arrayCumSum(arrayMap(
        j -> 1 + toInt64(floor(-log(${u('pid', 'j', 17)}) * if(app = 0, gap_chat, gap_store) / eng)),
        range(n_ret))))) AS raw_days
    FROM (
      SELECT *,
        least(0.9, if(app = 0, churn_chat, churn_store) / eng) AS churn,
        if(signed, toUInt32(least(toFloat64(max_sessions), floor(log(${u('pid', 16)}) / log(1 - churn)))), 0) AS n_ret,
        signed AND ${u('pid', 15)} < late_share AS late,
        ${u('pid', 19)} >= 0.5 AS treat,
        app = 0 AND ${u('pid', 21)} < caller_share AS caller,
        app = 1 AND signed AND ${u('pid', 22)} < buyer_share AS buyer,
        if(signed AND ${u('pid', 20)} < nps_show, nps_at, -1) AS survey_si
      FROM (
        SELECT
          number AS pid,
          toInt64(arrayFirstIndex(x -> x > pid, cohort_ends)) - 1 + first_acq AS a,
          toUInt8(${u('pid', 1)} >= chat_share) AS app,
          ${pick('channel_cum', u('pid', 2))} AS ch,
          ((ch - 1) * 2 + app) * 2 + toUInt8(${u('pid', 3)} >= 0.5) + 1 AS camp,
          ${pick('device_cum', u('pid', 4))} AS dev,
          (dev - 1) * 2 + if(${u('pid', 5)} < os_first_share[dev], 1, 2) AS os,
          ${pick('region_cum', u('pid', 6))} AS reg,
          (reg - 1) * 2 + if(${u('pid', 7)} < 0.6, 1, 2) AS city,
          -- engagement (session frequency and churn) and robot-call propensity: log-normal, mean 1
          exp(0.5 * ${normal(['pid', 8], ['pid', 9])} - 0.125) AS eng,
          exp(0.15 * ${normal(['pid', 10], ['pid', 11])} - 0.01125) AS prop,
          (${pick('hour_cum', u('pid', 12))} - 1) * 3600 + toUInt32(${u('pid', 13)} * 3000) AS acq_sec,
          ${u('pid', 14)} < signup_p * if(ch = shift_ch AND a >= shift_day, shift_factor, 1) AS signed
        FROM numbers(${p.uint64(chunk.lo)}, ${p.uint64(chunk.count)})
      )
    )
  )
)`;
}
