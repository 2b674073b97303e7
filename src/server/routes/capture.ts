import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { findKey } from '../../app/projects.js';
import { FupanError } from '../../core/errors/index.js';
import { pickLang, type Lang } from '../../core/lang.js';
import { createIngestor } from '../../ingestion/pipeline.js';
import type { IngestResult, Rejection } from '../../ingestion/types.js';
import { decodeBody, readCaptureBody } from './capture-body.js';

/** Every path PostHog's SDKs and capture API post events to (with or without the trailing slash). */
export const CAPTURE_PATHS = ['/capture', '/batch', '/e', '/i/v0/e', '/track', '/engage'] as const;

const KEY_TTL_MS = 30_000;

/**
 * The capture API, compatible with posthog-js and posthog-node (see docs/ingestion.md):
 * POST any of CAPTURE_PATHS with a batch or a single event, JSON, gzip or base64 form.
 * Answers 200 `{ status: 1, accepted, duplicates, clamped, rejected: [{ index, code,
 * message }] }` once the accepted events are written; 400 when no event is usable or when
 * strict mode (`strictIngest` or `?strict=1`) meets an invalid one; 401 for a missing,
 * unknown or read key; 413 for an oversized body; 503 when storage failed (retry).
 */
export async function captureRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const ingestor = createIngestor(ctx.engine, { futureToleranceSeconds: ctx.config.futureToleranceSeconds, strict: ctx.config.strictIngest });
  const keys = new Map<string, { projectId?: string; kind?: string; until: number }>();

  async function projectFor(req: FastifyRequest, bodyKey: string | undefined): Promise<string> {
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const query = req.query as Record<string, unknown>;
    const key = bodyKey ?? bearer ?? (typeof query['api_key'] === 'string' ? query['api_key'] : undefined) ?? (typeof query['token'] === 'string' ? query['token'] : undefined);
    if (!key) throw new FupanError('ingest_key_missing', {});
    const now = Date.now();
    let hit = keys.get(key);
    if (!hit || hit.until < now) {
      const found = key.length <= 200 ? await findKey(ctx, key) : undefined;
      hit = { ...(found ? { projectId: found.projectId, kind: found.kind } : {}), until: now + (found ? KEY_TTL_MS : 5_000) };
      if (keys.size > 10_000) keys.clear();
      keys.set(key, hit);
    }
    const prefix = key.slice(0, 8);
    if (!hit.projectId) throw new FupanError('ingest_key_invalid', { prefix });
    if (hit.kind !== 'ingest') throw new FupanError('ingest_key_wrong_kind', { prefix, kind: hit.kind });
    return hit.projectId;
  }

  await app.register(async (scope) => {
    // Bodies arrive as bytes whatever their type (posthog-js sends gzip as text/plain and
    // base64 as a form); capture-body.ts decodes them.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    scope.addHook('onRequest', async (req, reply) => {
      const origin = req.headers.origin;
      reply.header('access-control-allow-origin', origin ?? '*');
      if (origin) {
        reply.header('access-control-allow-credentials', 'true');
        reply.header('vary', 'Origin');
      }
    });

    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      const query = (req.query ?? {}) as Record<string, unknown>;
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!raw.length) throw new FupanError('ingest_empty', {});
      const body = await decodeBody(raw, {
        contentType: req.headers['content-type'],
        contentEncoding: req.headers['content-encoding'],
        compression: typeof query['compression'] === 'string' ? query['compression'] : undefined,
        maxBytes: ctx.config.maxBodyBytes,
      });
      const capture = readCaptureBody(body, req.url.startsWith('/engage'));
      const projectId = await projectFor(req, capture.apiKey);
      if (!capture.events.length) throw new FupanError('ingest_empty', {});
      // posthog-js puts the send time in `?_=<ms>`.
      const sentAt = capture.sentAt ?? (typeof query['_'] === 'string' && /^\d{10,16}$/.test(query['_']) ? new Date(Number(query['_'])).toISOString() : undefined);
      const strictFlag = query['strict'];
      const strict = strictFlag === undefined ? ctx.config.strictIngest : strictFlag === '1' || strictFlag === 'true' || strictFlag === '';
      const result = await ingestor.ingest(projectId, capture.events, { ...(sentAt ? { sentAt } : {}), strict });
      const lang = pickLang(req.headers['accept-language']);
      if (result.rejected.length && (strict || result.accepted + result.duplicates === 0)) {
        const first = result.rejected[0]!;
        throw new FupanError('ingest_batch_rejected', {
          count: result.rejected.length,
          total: capture.events.length,
          index: first.index,
          first: localized(first, lang),
          rejected: result.rejected.map((r) => view(r, lang)),
        });
      }
      return reply.status(200).send(response(result, lang));
    };

    for (const base of CAPTURE_PATHS) {
      for (const path of [base, `${base}/`]) {
        scope.post(path, handler);
        scope.options(path, async (req, reply) => {
          reply.header('access-control-allow-methods', 'POST, OPTIONS');
          reply.header('access-control-allow-headers', req.headers['access-control-request-headers'] ?? 'Content-Type, Content-Encoding, Authorization');
          reply.header('access-control-max-age', '86400');
          return reply.status(204).send();
        });
      }
    }
  });
}

function localized(r: Rejection, lang: Lang): string {
  return lang === 'zh-CN' && r.messageZh ? r.messageZh : r.message;
}

function view(r: Rejection, lang: Lang): { index: number; code: string; message: string } {
  return { index: r.index, code: r.code, message: localized(r, lang) };
}

function response(result: IngestResult, lang: Lang) {
  return {
    status: 1,
    accepted: result.accepted,
    duplicates: result.duplicates,
    clamped: result.clamped,
    rejected: result.rejected.map((r) => view(r, lang)),
  };
}
