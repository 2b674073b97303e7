import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FupanError, isFupanError } from '../core/errors/index.js';
import { newId } from '../core/ids.js';
import { pickLang } from '../core/lang.js';

/**
 * The one error handler at the HTTP edge: every failure becomes
 * `{ error: { code, message, details } }` with the registry's status, in the caller's
 * language. Nothing a client sends may produce a 500; a real 500 carries an id to find
 * the log line and never echoes internals.
 */
export function errorHandler(error: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const lang = pickLang(req.headers['accept-language']);
  const fupan = isFupanError(error) ? error : fromFastify(error as FastifyError);
  if (fupan) return reply.status(fupan.status).send({ error: fupan.toJSON(lang) });
  const id = newId('err', 8);
  req.log.error({ err: error, errorId: id }, 'unhandled error');
  return reply.status(500).send({ error: new FupanError('internal', { id }).toJSON(lang) });
}

function fromFastify(error: FastifyError): FupanError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new FupanError('payload_too_large', { limit: (error as unknown as { limit?: number }).limit ?? 'configured' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new FupanError('unsupported_media_type', { contentType: 'unknown' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new FupanError('invalid_json', { problem: error.message });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new FupanError('invalid_input', { path: 'content-length', problem: error.message });
    default:
      break;
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return new FupanError('invalid_json', { problem: error.message });
  }
  if (error.statusCode === 413) return new FupanError('payload_too_large', { limit: 'configured' });
  if (error.statusCode === 415) return new FupanError('unsupported_media_type', { contentType: 'unknown' });
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new FupanError('invalid_input', { path: '(request)', problem: error.message });
  }
  return undefined;
}
