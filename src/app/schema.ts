import { compile, p, sql } from '../sql/index.js';
import type { AppContext } from './context.js';
import { getProject } from './projects.js';

export interface EventName {
  event: string;
  count: number;
  lastSeen: string;
}

/**
 * The project's event names seen in the last 90 days with their volume, most frequent
 * first: what the analysis builders offer in their event pickers.
 */
export async function listEventNames(ctx: AppContext, projectId: string, limit = 500): Promise<EventName[]> {
  await getProject(ctx, projectId);
  const q = sql`SELECT event, count() AS count, toString(max(timestamp)) AS lastSeen FROM events
    WHERE project_id = ${p.string(projectId)} AND timestamp >= now64(3) - INTERVAL 90 DAY
    GROUP BY event ORDER BY count DESC, event LIMIT ${p.uint32(Math.min(limit, 2000))}`;
  const rows = await ctx.engine.query<{ event: string; count: string | number; lastSeen: string }>(compile(q));
  return rows.map((r) => ({ event: r.event, count: Number(r.count), lastSeen: r.lastSeen }));
}

/**
 * Property keys of the project's events (optionally of one event), from a sample of the
 * last 30 days, most common first.
 */
export async function listPropertyKeys(ctx: AppContext, projectId: string, event?: string): Promise<{ property: string; count: number }[]> {
  await getProject(ctx, projectId);
  const byEvent = event ? sql`AND event = ${p.string(event)}` : sql``;
  const q = sql`SELECT key AS property, count() AS count FROM (
      SELECT arrayJoin(JSONExtractKeys(properties)) AS key FROM events
      WHERE project_id = ${p.string(projectId)} AND timestamp >= now64(3) - INTERVAL 30 DAY ${byEvent}
      LIMIT 200000
    ) GROUP BY key ORDER BY count DESC, key LIMIT 300`;
  const rows = await ctx.engine.query<{ property: string; count: string | number }>(compile(q));
  return rows.map((r) => ({ property: r.property, count: Number(r.count) }));
}
