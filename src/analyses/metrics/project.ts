import { FupanError } from '../../core/errors/index.js';
import type { MetaQueryable } from '../../storage/metadata/store.js';

/** What metric evaluation needs to know about a project. */
export interface ProjectInfo {
  id: string;
  timeZone: string;
  weekStart: 'monday' | 'sunday';
  currency: string;
  /** Extra dimensions for findings, from the project's settings (`settings.dimensions`). */
  dimensions: { property: string; type: 'event' | 'person' }[];
}

export async function loadProjectInfo(db: MetaQueryable, projectId: string): Promise<ProjectInfo> {
  const rows = await db.query<{ id: string; time_zone: string; week_start: 'monday' | 'sunday'; currency: string; settings: unknown }>(
    `SELECT id, time_zone, week_start, currency, settings FROM projects WHERE id = $1`,
    [projectId],
  );
  const r = rows[0];
  if (!r) throw new FupanError('not_found', { what: 'project', id: projectId });
  const settings = (typeof r.settings === 'string' ? JSON.parse(r.settings) : r.settings ?? {}) as { dimensions?: unknown };
  const dimensions = Array.isArray(settings.dimensions)
    ? settings.dimensions.flatMap((d): ProjectInfo['dimensions'] => {
        if (typeof d === 'string' && d.length > 0 && d.length <= 200) return [{ property: d, type: 'event' }];
        if (d && typeof d === 'object' && typeof (d as { property?: unknown }).property === 'string') {
          const o = d as { property: string; type?: string };
          return [{ property: o.property, type: o.type === 'person' ? 'person' : 'event' }];
        }
        return [];
      })
    : [];
  return { id: r.id, timeZone: r.time_zone, weekStart: r.week_start, currency: r.currency, dimensions };
}
