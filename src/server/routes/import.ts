import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import { writeImportedEvents, writeImportedSpend } from '../../app/import.js';
import { FupanError } from '../../core/errors/index.js';
import { parseInput } from '../../core/validation.js';

const eventsBody = z.object({ events: z.array(z.record(z.string(), z.unknown())).max(100_000) }).strict();
const spendBody = z
  .object({
    rows: z
      .array(
        z
          .object({
            date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
            channel: z.string().max(200),
            campaign: z.string().max(200),
            impressions: z.number().int().min(0),
            clicks: z.number().int().min(0),
            cost: z.number().min(0),
            currency: z.string().regex(/^[A-Z]{3}$/),
          })
          .strict(),
      )
      .max(100_000),
  })
  .strict();

/**
 * Writes for `fupan import` while `fupan serve` owns the data directory. The CLI reads,
 * maps and validates the file itself (and keeps the reject file); the server only writes
 * the prepared batches. Operator only (the admin token from the lock file).
 *
 * POST /api/projects/:id/import/events — `{ events }` (capture shape) → the pipeline's `IngestResult`
 * POST /api/projects/:id/import/spend — `{ rows }` (validated ad-spend rows) → `{ rows }`
 */
export async function importRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const operatorOnly = (principal: { kind: string } | undefined) => {
    if (principal?.kind !== 'admin') throw new FupanError('forbidden', { action: 'import files (only the server operator can)' });
  };
  app.post<{ Params: { id: string } }>('/api/projects/:id/import/events', async (req) => {
    operatorOnly(req.principal);
    const { events } = parseInput(eventsBody, req.body);
    return writeImportedEvents(ctx, req.params.id, events);
  });
  app.post<{ Params: { id: string } }>('/api/projects/:id/import/spend', async (req) => {
    operatorOnly(req.principal);
    const { rows } = parseInput(spendBody, req.body);
    return { rows: await writeImportedSpend(ctx, req.params.id, rows) };
  });
}
