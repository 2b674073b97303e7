import type { ErrorTable } from './registry.js';

/**
 * Errors of the capture API and the ingestion pipeline. Per-event codes (`event_*`) appear
 * in the `rejected` list of a capture response or an import's reject file; request-level
 * codes (`ingest_*`) are the whole response.
 */
export const ingestErrors = {
  event_not_object: {
    status: 400,
    message: {
      'en-US': 'The event is not a JSON object',
      'zh-CN': '该事件不是 JSON 对象',
    },
  },
  event_invalid_name: {
    status: 400,
    message: {
      'en-US': '`event` must be a non-empty string of at most 200 characters',
      'zh-CN': '`event` 必须是 1–200 个字符的字符串',
    },
  },
  event_invalid_distinct_id: {
    status: 400,
    message: {
      'en-US': '`distinct_id` is missing or invalid: send a non-empty string (or number) of at most 200 characters, top-level or in `properties`',
      'zh-CN': '`distinct_id` 缺失或无效：请在顶层或 `properties` 中发送 1–200 个字符的字符串（或数字）',
    },
  },
  event_invalid_uuid: {
    status: 400,
    message: {
      'en-US': '`uuid` is not a UUID (expected 8-4-4-4-12 hexadecimal digits)',
      'zh-CN': '`uuid` 不是合法的 UUID（应为 8-4-4-4-12 位十六进制）',
    },
  },
  event_invalid_timestamp: {
    status: 400,
    message: {
      'en-US': '`{field}` is not a valid time: send an ISO 8601 string such as 2026-01-31T08:00:00.000Z or epoch milliseconds',
      'zh-CN': '`{field}` 不是合法的时间：请发送 ISO 8601 字符串（如 2026-01-31T08:00:00.000Z）或毫秒时间戳',
    },
  },
  event_invalid_properties: {
    status: 400,
    message: {
      'en-US': '`{field}` must be a JSON object',
      'zh-CN': '`{field}` 必须是 JSON 对象',
    },
  },
  ingest_empty: {
    status: 400,
    message: {
      'en-US': 'The request carries no events: send `{ "api_key": "phc_…", "batch": [ … ] }` or a single event',
      'zh-CN': '请求中没有事件：请发送 `{ "api_key": "phc_…", "batch": [ … ] }` 或单个事件',
    },
  },
  ingest_batch_rejected: {
    status: 400,
    message: {
      'en-US': '{count} of {total} events are invalid and strict mode rejects the whole batch; nothing was stored (first: event {index}, {first})',
      'zh-CN': '{total} 个事件中有 {count} 个无效，严格模式拒绝了整个批次，未写入任何事件（第一个：事件 {index}，{first}）',
    },
  },
  ingest_body_unreadable: {
    status: 400,
    message: {
      'en-US': 'The request body could not be decoded ({encoding}): {problem}',
      'zh-CN': '无法解码请求体（{encoding}）：{problem}',
    },
  },
  ingest_key_missing: {
    status: 401,
    message: {
      'en-US': 'No API key: send `api_key` in the body, or `Authorization: Bearer phc_…`',
      'zh-CN': '缺少 API 密钥：请在请求体中发送 `api_key`，或使用 `Authorization: Bearer phc_…`',
    },
  },
  ingest_key_invalid: {
    status: 401,
    message: {
      'en-US': 'The API key `{prefix}…` is unknown or revoked',
      'zh-CN': 'API 密钥 `{prefix}…` 不存在或已被吊销',
    },
  },
  ingest_key_wrong_kind: {
    status: 401,
    message: {
      'en-US': 'The key `{prefix}…` is a {kind} key; sending events needs the project\'s ingest key (phc_…)',
      'zh-CN': '密钥 `{prefix}…` 是 {kind} 密钥；发送事件需要项目的写入密钥（phc_…）',
    },
  },
  ingest_unavailable: {
    status: 503,
    message: {
      'en-US': 'The events could not be written ({problem}); nothing was acknowledged, send the batch again',
      'zh-CN': '事件写入失败（{problem}）；本批次未被确认，请重新发送',
    },
  },
} satisfies ErrorTable;
