import { FupanError } from '../core/errors/index.js';
import { newId } from '../core/ids.js';
import { parseInput } from '../core/validation.js';
import type { Period } from '../analyses/shared/period.js';
import type { MetaQueryable, MetaStore } from '../storage/metadata/store.js';
import { ITEM_SCHEMAS, type ItemKind } from './items.js';

export interface ReportRecord {
  id: string;
  projectId: string;
  periodLabel: string;
  periodKind: string;
  fromDate: string;
  toDate: string;
  status: 'draft' | 'published';
  snapshot: unknown;
  dataReadAt: string | null;
  publishedAt: string | null;
}

export interface ReportItem {
  id: string;
  kind: ItemKind;
  position: number;
  data: Record<string, unknown>;
}

interface Row {
  id: string;
  project_id: string;
  period_label: string;
  period_kind: string;
  from_date: string | Date;
  to_date: string | Date;
  status: 'draft' | 'published';
  snapshot: unknown;
  data_read_at: Date | string | null;
  published_at: Date | string | null;
}

const day = (d: string | Date) => (typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function toRecord(r: Row): ReportRecord {
  return {
    id: r.id,
    projectId: r.project_id,
    periodLabel: r.period_label,
    periodKind: r.period_kind,
    fromDate: day(r.from_date),
    toDate: day(r.to_date),
    status: r.status,
    snapshot: r.snapshot,
    dataReadAt: iso(r.data_read_at),
    publishedAt: iso(r.published_at),
  };
}

/** The report of a period, created as an empty draft the first time it is asked for. */
export async function ensureReport(db: MetaQueryable, projectId: string, period: Period): Promise<ReportRecord> {
  await db.query(
    `INSERT INTO reports (id, project_id, period_label, period_kind, from_date, to_date) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (project_id, period_label) DO NOTHING`,
    [newId('rep'), projectId, period.label, period.kind, period.fromDate, period.toDate],
  );
  return (await findReport(db, projectId, period.label))!;
}

export async function findReport(db: MetaQueryable, projectId: string, label: string): Promise<ReportRecord | undefined> {
  const [row] = await db.query<Row>(`SELECT * FROM reports WHERE project_id = $1 AND period_label = $2`, [projectId, label]);
  return row ? toRecord(row) : undefined;
}

export async function listReports(db: MetaQueryable, projectId: string): Promise<Omit<ReportRecord, 'snapshot'>[]> {
  const rows = await db.query<Row>(`SELECT * FROM reports WHERE project_id = $1 ORDER BY from_date DESC, period_label`, [projectId]);
  return rows.map((r) => {
    const { snapshot: _snapshot, ...rest } = toRecord(r);
    return rest;
  });
}

/** The latest published report that ended before `beforeDate` (whose actions are followed up). */
export async function previousPublished(db: MetaQueryable, projectId: string, beforeDate: string): Promise<ReportRecord | undefined> {
  const [row] = await db.query<Row>(
    `SELECT * FROM reports WHERE project_id = $1 AND status = 'published' AND to_date < $2 ORDER BY to_date DESC LIMIT 1`,
    [projectId, beforeDate],
  );
  return row ? toRecord(row) : undefined;
}

export async function listItems(db: MetaQueryable, reportId: string): Promise<ReportItem[]> {
  return db.query<ReportItem>(`SELECT id, kind, position, data FROM report_items WHERE report_id = $1 ORDER BY kind, position, created_at`, [reportId]);
}

function assertDraft(report: ReportRecord): void {
  if (report.status === 'published') throw new FupanError('report_published', { period: report.periodLabel });
}

/** Adds a written item (validated by its kind's schema) to a draft. */
export async function addItem(db: MetaStore, report: ReportRecord, kind: ItemKind, input: unknown): Promise<ReportItem> {
  assertDraft(report);
  const data = parseInput(ITEM_SCHEMAS[kind], input);
  return db.transaction(async (tx) => {
    const [{ next } = { next: 0 }] = await tx.query<{ next: number }>(
      `SELECT COALESCE(MAX(position) + 1, 0)::int AS next FROM report_items WHERE report_id = $1 AND kind = $2`,
      [report.id, kind],
    );
    const id = newId(kind.slice(0, 3));
    await tx.query(`INSERT INTO report_items (id, report_id, kind, position, data) VALUES ($1, $2, $3, $4, $5)`, [id, report.id, kind, next, JSON.stringify(data)]);
    await tx.query(`UPDATE reports SET updated_at = now() WHERE id = $1`, [report.id]);
    return { id, kind, position: next, data };
  });
}

/** Replaces a written item's fields (partial input is merged over the stored item, then validated). */
export async function updateItem(db: MetaQueryable, report: ReportRecord, itemId: string, patch: unknown): Promise<ReportItem> {
  assertDraft(report);
  const [item] = await db.query<ReportItem>(`SELECT id, kind, position, data FROM report_items WHERE id = $1 AND report_id = $2`, [itemId, report.id]);
  if (!item) throw new FupanError('report_item_not_found', { kind: 'item', id: itemId });
  const data = parseInput(ITEM_SCHEMAS[item.kind], { ...item.data, ...(patch as object) });
  await db.query(`UPDATE report_items SET data = $2, updated_at = now() WHERE id = $1`, [itemId, JSON.stringify(data)]);
  return { ...item, data };
}

export async function deleteItem(db: MetaQueryable, report: ReportRecord, itemId: string): Promise<void> {
  assertDraft(report);
  const rows = await db.query(`DELETE FROM report_items WHERE id = $1 AND report_id = $2 RETURNING id`, [itemId, report.id]);
  if (!rows.length) throw new FupanError('report_item_not_found', { kind: 'item', id: itemId });
}

/** Freezes a report: stores the snapshot once; a second publish is refused. */
export async function markPublished(db: MetaQueryable, report: ReportRecord, snapshot: unknown, dataReadAt: string, by: string | null): Promise<ReportRecord> {
  const rows = await db.query<Row>(
    `UPDATE reports SET status = 'published', snapshot = $2, data_read_at = $3, published_at = now(), published_by = $4, updated_at = now()
     WHERE id = $1 AND status = 'draft' RETURNING *`,
    [report.id, JSON.stringify(snapshot), dataReadAt, by],
  );
  if (!rows.length) throw new FupanError('report_published', { period: report.periodLabel });
  return toRecord(rows[0]!);
}
