import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStorage, type TestStorage } from '../../test/helpers/storage.js';
import { loadConfig } from '../config/load.js';
import { makePlan } from '../demo/plan.js';
import { generateDemo } from '../demo/runner.js';
import { CHANNELS, EXPERIMENT, FUNNEL, LOW_ROAS, plantedFacts, SHIFT } from '../demo/story.js';
import { compile, p, sql } from '../sql/index.js';
import type { AppContext } from './context.js';
import { type DemoSummary, runDemo } from './demo.js';

/**
 * The demo's planted facts (src/demo/story.ts), checked with plain SQL on the generated
 * data: what later analyses must find is really there. Fixed "now", so dates are fixed:
 * today 2025-07-16 (a Wednesday), last complete week 2025-07-07 … 07-13.
 */
const now = new Date('2025-07-16T04:00:00Z');
const facts = plantedFacts('2025-07-16');
const EVENTS_AT_SCALE = 500_000;

describe('fupan demo', () => {
  let s: TestStorage;
  let ctx: AppContext;
  let summary: DemoSummary;
  const rows = async <T = Record<string, number>>(text: ReturnType<typeof sql>) => s.engine.query<T>(compile(text));
  const one = async (text: ReturnType<typeof sql>) => Object.values((await rows(text))[0] ?? {}).map(Number);

  beforeAll(async () => {
    s = await openTestStorage();
    ctx = { config: loadConfig({ env: {} }), engine: s.engine, meta: s.meta };
  }, 120_000);
  afterAll(() => s?.close());

  it('is deterministic: the same seed gives the same rows, another seed other rows', async () => {
    const digest = async (projectId: string) =>
      rows(sql`SELECT event, count() AS n, sum(cityHash64(uuid, person_id, timestamp, properties)) AS h
               FROM events WHERE project_id = ${p.string(projectId)} GROUP BY event ORDER BY event`);
    await generateDemo(s.engine, makePlan({ events: 20_000, seed: 7, now, projectId: 'det_a' }));
    await generateDemo(s.engine, makePlan({ events: 20_000, seed: 7, now, projectId: 'det_b', chunkPersons: 150 }));
    await generateDemo(s.engine, makePlan({ events: 20_000, seed: 8, now, projectId: 'det_c' }));
    const [a, b, c] = [await digest('det_a'), await digest('det_b'), await digest('det_c')];
    expect(a.length).toBeGreaterThan(10);
    expect(b).toEqual(a); // chunking does not matter
    expect(c).not.toEqual(a);
  }, 300_000);

  it('creates the demo project and replaces its data on a re-run', async () => {
    const first = await runDemo(ctx, { events: 20_000, now }, undefined, []);
    const again = await runDemo(ctx, { events: 20_000, now }, undefined, []);
    expect(first.replaced).toBe(false);
    expect(again.replaced).toBe(true);
    expect(again.events).toBe(first.events);
    expect(again.persons).toBe(first.persons);
    expect(again.project).toMatchObject({ id: 'demo', timeZone: 'Asia/Shanghai', currency: 'CNY', weekStart: 'monday' });
    expect(again.ingestKey).toMatch(/^phc_/);
    const keys = await ctx.meta.query<{ n: number }>(`SELECT count(*)::int AS n FROM api_keys WHERE project_id = 'demo' AND revoked_at IS NULL`);
    expect(keys[0]!.n).toBe(1);
    // the data only: other areas' demo steps have their own tests
    summary = await runDemo(ctx, { events: EVENTS_AT_SCALE, now }, undefined, []);
    expect(summary.events).toBeGreaterThan(EVENTS_AT_SCALE * 0.85);
    expect(summary.events).toBeLessThan(EVENTS_AT_SCALE * 1.15);
    expect(summary.from).toBe('2025-01-18');
    expect(summary.facts).toEqual(facts);
  }, 600_000);

  it('spans the window, ending today, with weekday seasonality', async () => {
    const [first, last, future] = await one(sql`
      SELECT min(toDate(timestamp, 'Asia/Shanghai')) = toDate('2025-01-18'), max(toDate(timestamp, 'Asia/Shanghai')) = toDate('2025-07-16'),
        countIf(timestamp > ${p.dateTime(now)})
      FROM events WHERE project_id = 'demo'`);
    expect([first, last, future]).toEqual([1, 1, 0]);
    // sign-ups per Saturday vs per Tuesday
    const [sat, tue] = await one(sql`
      SELECT countIf(toDayOfWeek(toDate(timestamp, 'Asia/Shanghai')) = 6), countIf(toDayOfWeek(toDate(timestamp, 'Asia/Shanghai')) = 2)
      FROM events WHERE project_id = 'demo' AND event = 'sign_up'`);
    expect(sat! / tue!).toBeGreaterThan(1.2);
  });

  it('stores materialised columns equal to their JSON expressions', async () => {
    const [bad, total] = await one(sql`
      SELECT countIf(
        channel != if(JSONExtractString(properties, 'channel') != '', JSONExtractString(properties, 'channel'), JSONExtractString(properties, 'utm_source'))
        OR campaign != if(JSONExtractString(properties, 'campaign') != '', JSONExtractString(properties, 'campaign'), JSONExtractString(properties, 'utm_campaign'))
        OR device_type != JSONExtractString(properties, 'device_type') OR os != JSONExtractString(properties, '$os')
        OR app_version != JSONExtractString(properties, 'app_version') OR region != JSONExtractString(properties, 'region')
        OR revenue != JSONExtractFloat(properties, 'revenue') OR NOT isValidJSON(properties)), count()
      FROM events WHERE project_id = 'demo'`);
    expect(total).toBeGreaterThan(0);
    expect(bad).toBe(0);
  });

  it('loses roughly 40% at the hard steps of the video-chat funnel', async () => {
    // ad_click → sign_up, per person (sign-up happens on the acquisition session)
    const [clickers, signups] = await one(sql`
      SELECT uniqExactIf(person_id, event = 'ad_click'), uniqExactIf(person_id, event = 'sign_up' AND channel != 'organic')
      FROM events WHERE project_id = 'demo' AND event IN ('ad_click', 'sign_up') AND channel != ${p.string(SHIFT.channel)}`);
    expect(signups! / clickers!).toBeGreaterThan(FUNNEL.signUp - 0.04);
    expect(signups! / clickers!).toBeLessThan(FUNNEL.signUp + 0.04);
    // anchor_wall_view → robot_call of new users within 14 days of their first wall view
    const [walls, calls] = await one(sql`
      SELECT count(), countIf(arrayExists(c -> c >= w AND c < w + INTERVAL 14 DAY, calls)) FROM (
        SELECT person_id, minIf(timestamp, event = 'anchor_wall_view') AS w, groupArrayIf(timestamp, event = 'robot_call') AS calls
        FROM events WHERE project_id = 'demo' AND event IN ('anchor_wall_view', 'robot_call', 'sign_up')
        GROUP BY person_id
        HAVING countIf(event = 'sign_up') > 0 AND countIf(event = 'anchor_wall_view') > 0 AND w < ${p.dateTime('2025-07-01T00:00:00Z')})`);
    const loss = 1 - calls! / walls!;
    expect(loss).toBeGreaterThan(0.3);
    expect(loss).toBeLessThan(0.5);
  });

  it('plants the anomaly: one version breaks robot_call on one day', async () => {
    const r = await rows<{ broken: number; version: string; walls: number; calls: number }>(sql`
      SELECT toDate(timestamp, 'Asia/Shanghai') = ${p.date(facts.anomaly.date)} AS broken, app_version = ${p.string(facts.anomaly.appVersion)} AS version,
        countIf(event = 'anchor_wall_view') AS walls, countIf(event = 'robot_call') AS calls
      FROM events
      WHERE project_id = 'demo' AND event IN ('anchor_wall_view', 'robot_call')
        AND toDate(timestamp, 'Asia/Shanghai') BETWEEN ${p.date(facts.lastWeek.from)} AND ${p.date(facts.lastWeek.to)}
      GROUP BY broken, version`);
    const rate = (broken: number, version: number) => {
      const x = r.find((y) => Number(y.broken) === broken && Number(y.version) === version)!;
      return x.calls / x.walls;
    };
    expect(rate(1, 1)).toBeLessThan(0.15);
    expect(rate(1, 0)).toBeGreaterThan(0.45); // other versions that day are fine
    expect(rate(0, 1)).toBeGreaterThan(0.45); // the version is fine on other days
  });

  it('plants the shift: xiaohongshu sign-up conversion drops from the given week', async () => {
    const r = await rows<{ after: number; shifted: number; rate: number; n: number }>(sql`
      SELECT d >= ${p.date(facts.shift.from)} AS after, channel = ${p.string(SHIFT.channel)} AS shifted,
        uniqExactIf(person_id, event = 'sign_up') / uniqExactIf(person_id, event = 'ad_click') AS rate, uniqExactIf(person_id, event = 'ad_click') AS n
      FROM (SELECT person_id, event, channel, toDate(timestamp, 'Asia/Shanghai') AS d FROM events
            WHERE project_id = 'demo' AND event IN ('ad_click', 'sign_up') AND timestamp >= ${p.dateTime('2025-05-01T00:00:00Z')})
      GROUP BY after, shifted`);
    const rate = (after: number, shifted: number) => r.find((x) => Number(x.after) === after && Number(x.shifted) === shifted)!.rate;
    expect(rate(0, 1)).toBeGreaterThan(0.52);
    expect(rate(1, 1)).toBeLessThan(0.46);
    expect(rate(1, 0)).toBeGreaterThan(0.52); // other channels unchanged
  });

  it('has one channel with ROAS below 1 and the others above', async () => {
    const r = await rows<{ channel: string; roas: number }>(sql`
      SELECT s.channel AS channel, e.rev / s.cost AS roas
      FROM (SELECT channel, sum(cost) AS cost FROM ad_spend FINAL WHERE project_id = 'demo' GROUP BY channel) AS s
      JOIN (SELECT channel, sum(revenue) AS rev FROM events WHERE project_id = 'demo' AND event = 'order_paid' GROUP BY channel) AS e
      ON s.channel = e.channel`);
    const paid = CHANNELS.filter((c) => c.cpc > 0).map((c) => c.id);
    expect(r.map((x) => x.channel).sort()).toEqual([...paid].sort());
    for (const x of r) {
      if (x.channel === LOW_ROAS.channel) expect(x.roas).toBeLessThan(1);
      else expect(x.roas).toBeGreaterThan(1.5);
    }
  });

  it('runs the experiment 50/50 with the planted lift on the goal', async () => {
    const r = await rows<{ variant: string; n: number; conv: number }>(sql`
      SELECT variant, count() AS n, avg(converted) AS conv FROM (
        SELECT x.person_id, x.variant, countIf(g.timestamp >= x.ts AND g.timestamp < x.ts + INTERVAL 1 HOUR) > 0 AS converted
        FROM (SELECT person_id, JSONExtractString(properties, 'variant') AS variant, min(timestamp) AS ts
              FROM events WHERE project_id = 'demo' AND event = 'experiment_exposure' AND JSONExtractString(properties, 'experiment') = ${p.string(EXPERIMENT.key)}
              GROUP BY person_id, variant) AS x
        LEFT JOIN (SELECT person_id, timestamp FROM events WHERE project_id = 'demo' AND event = 'robot_call'
                   AND timestamp >= ${p.dateTime(`${facts.experiment.start}T00:00:00+08:00`)}) AS g ON g.person_id = x.person_id
        GROUP BY x.person_id, x.variant)
      GROUP BY variant ORDER BY variant`);
    const [control, treatment] = r;
    expect(control!.variant).toBe('control');
    const share = control!.n / (control!.n + treatment!.n);
    expect(share).toBeGreaterThan(0.46);
    expect(share).toBeLessThan(0.54);
    const lift = treatment!.conv - control!.conv;
    expect(lift).toBeGreaterThan(EXPERIMENT.expectedSessionConversionLift - 0.035);
    expect(lift).toBeLessThan(EXPERIMENT.expectedSessionConversionLift + 0.035);
    // the CUPED pre-period has history for most exposed persons
    const [withPre, exposed] = await one(sql`
      SELECT uniqExactIf(person_id, event = 'robot_call' AND timestamp < ${p.dateTime(`${facts.experiment.start}T00:00:00+08:00`)}
               AND timestamp >= ${p.dateTime(`${facts.experiment.preStart}T00:00:00+08:00`)}),
             uniqExactIf(person_id, event = 'experiment_exposure')
      FROM events WHERE project_id = 'demo' AND event IN ('robot_call', 'experiment_exposure')`);
    expect(withPre! / exposed!).toBeGreaterThan(0.4);
  });

  it('resolves anonymous pre-signup events to the signed-up person, including late merges', async () => {
    const [identified, anonEvents, mismatched, viaOverride] = await one(sql`
      WITH
        pdi AS (SELECT distinct_id, argMax(person_id, version) AS pid FROM person_distinct_ids WHERE project_id = 'demo' GROUP BY distinct_id),
        ov AS (SELECT old_person_id, argMax(override_person_id, version) AS pid FROM person_overrides WHERE project_id = 'demo' GROUP BY old_person_id),
        ident AS (SELECT JSONExtractString(properties, '$anon_distinct_id') AS anon, person_id AS pid
                  FROM events WHERE project_id = 'demo' AND event = '$identify')
      SELECT
        (SELECT count() FROM ident),
        count(),
        countIf(if(ov.pid != toUUID('00000000-0000-0000-0000-000000000000'), ov.pid, e.person_id) != ident.pid OR pdi.pid != ident.pid),
        countIf(e.person_id != ident.pid)
      FROM (SELECT distinct_id, person_id FROM events WHERE project_id = 'demo') AS e
      JOIN ident ON e.distinct_id = ident.anon
      LEFT JOIN ov ON ov.old_person_id = e.person_id
      LEFT JOIN pdi ON pdi.distinct_id = e.distinct_id`);
    expect(identified).toBeGreaterThan(1000);
    expect(anonEvents).toBeGreaterThan(identified!); // ad_click and first launch / landing before sign-up
    expect(mismatched).toBe(0);
    expect(viaOverride).toBeGreaterThan(0);
    // ad_click → sign_up is one person once overrides are applied
    const [both] = await one(sql`
      SELECT countIf(has(evs, 'ad_click') AND has(evs, 'sign_up')) FROM (
        SELECT if(ov.pid != toUUID('00000000-0000-0000-0000-000000000000'), ov.pid, e.person_id) AS person, groupUniqArray(e.event) AS evs
        FROM (SELECT person_id, event FROM events WHERE project_id = 'demo' AND event IN ('ad_click', 'sign_up')) AS e
        LEFT JOIN (SELECT old_person_id, argMax(override_person_id, version) AS pid FROM person_overrides WHERE project_id = 'demo' GROUP BY old_person_id) AS ov
          ON ov.old_person_id = e.person_id
        GROUP BY person)`);
    const [signups] = await one(sql`SELECT countIf(event = 'sign_up' AND channel != 'organic') FROM events WHERE project_id = 'demo'`);
    expect(both).toBe(signups);
  });

  it('carries the store, NPS and release-train stories', async () => {
    const [orders, refunds, repeatBuyers, buyers, refundedKnown] = await one(sql`
      SELECT countIf(event = 'order_paid' AND JSONExtractString(properties, 'app') = 'store'), countIf(event = 'order_refunded'),
        (SELECT countIf(n >= 2) FROM (SELECT person_id, count() AS n FROM events WHERE project_id = 'demo' AND event = 'order_paid' GROUP BY person_id)),
        (SELECT uniqExact(person_id) FROM events WHERE project_id = 'demo' AND event = 'order_paid'),
        countIf(event = 'order_refunded' AND JSONExtractString(properties, 'order_id') IN
          (SELECT JSONExtractString(properties, 'order_id') FROM events WHERE project_id = 'demo' AND event = 'order_paid'))
      FROM events WHERE project_id = 'demo' AND event IN ('order_paid', 'order_refunded')`);
    expect(refunds! / orders!).toBeGreaterThan(0.04);
    expect(refunds! / orders!).toBeLessThan(0.1);
    expect(refundedKnown).toBe(refunds);
    expect(repeatBuyers! / buyers!).toBeGreaterThan(0.2);

    const nps = await rows<{ app: string; n: number; nps: number; bad: number; comments: number }>(sql`
      SELECT JSONExtractString(properties, 'app') AS app, count() AS n,
        100 * (countIf(JSONExtractInt(properties, 'score') >= 9) - countIf(JSONExtractInt(properties, 'score') <= 6)) / n AS nps,
        countIf(JSONExtractInt(properties, 'score') NOT BETWEEN 0 AND 10 OR JSONExtractString(properties, 'survey') != 'nps') AS bad,
        countIf(match(JSONExtractString(properties, 'comment'), '卡顿|价格|客服|主播质量')) AS comments
      FROM events WHERE project_id = 'demo' AND event = 'survey_response' GROUP BY app ORDER BY app`);
    const [store, chat] = nps;
    expect(store!.app).toBe('store');
    expect(store!.nps).toBeGreaterThan(chat!.nps + 15);
    expect(store!.bad + chat!.bad).toBe(0);
    expect(chat!.comments).toBeGreaterThan(20);

    const versions = await rows<{ v: string; first: string }>(sql`
      SELECT app_version AS v, toString(min(toDate(timestamp, 'Asia/Shanghai'))) AS first
      FROM events WHERE project_id = 'demo' AND event = 'app_launch' AND app_version != '' GROUP BY v ORDER BY first`);
    expect(versions.length).toBeGreaterThanOrEqual(12);
    const released = new Map(facts.releases.map((r) => [r.version, r.date]));
    const inWindow = versions.filter((v) => released.get(v.v)! >= facts.firstDay);
    expect(inWindow.length).toBeGreaterThanOrEqual(12);
    for (const v of inWindow) expect(v.first).toBe(released.get(v.v));
    const [slowBefore, fastAfter] = await one(sql`
      SELECT quantileIf(0.5)(JSONExtractFloat(properties, 'load_ms'), app_version = '2.17.0'),
             quantileIf(0.5)(JSONExtractFloat(properties, 'load_ms'), app_version = '2.18.0')
      FROM events WHERE project_id = 'demo' AND event = 'app_launch' AND JSONExtractBool(properties, 'first_launch')`);
    expect(fastAfter! / slowBefore!).toBeLessThan(0.8);
  });
});
