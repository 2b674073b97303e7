import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import { runProjectSql } from '../../app/sql.js';
import { FupanError } from '../../core/errors/index.js';
import { parseInput } from '../../core/validation.js';

const body = z.object({ sql: z.string().min(1).max(100_000) }).strict();

/**
 * POST /api/projects/:id/sql — `{ sql }` → `{ rows }`. Only for the local operator (the CLI
 * going through the server that owns the data directory): raw SQL is an owner's tool,
 * not something a project member or key may send.
 */
export async function sqlRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post<{ Params: { id: string } }>('/api/projects/:id/sql', async (req) => {
    if (req.principal?.kind !== 'admin') throw new FupanError('forbidden', { action: 'run raw SQL (only the server operator can)' });
    const { sql } = parseInput(body, req.body);
    return { rows: await runProjectSql(ctx, req.params.id, sql) };
  });
}
