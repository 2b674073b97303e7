import type { ErrorTable } from './registry.js';

/** Errors any edge can raise: validation, lookup, access, limits. */
export const commonErrors = {
  invalid_input: {
    status: 400,
    message: {
      'en-US': 'Invalid input at `{path}`: {problem}',
      'zh-CN': '输入无效（`{path}`）：{problem}',
    },
  },
  invalid_json: {
    status: 400,
    message: {
      'en-US': 'The request body is not valid JSON: {problem}',
      'zh-CN': '请求体不是合法的 JSON：{problem}',
    },
  },
  not_found: {
    status: 404,
    message: { 'en-US': '{what} `{id}` was not found', 'zh-CN': '未找到{what} `{id}`' },
  },
  unauthorized: {
    status: 401,
    message: {
      'en-US': 'Missing or invalid credentials: {problem}',
      'zh-CN': '缺少凭证或凭证无效：{problem}',
    },
  },
  forbidden: {
    status: 403,
    message: {
      'en-US': 'You do not have permission to {action}',
      'zh-CN': '你没有权限执行此操作：{action}',
    },
  },
  conflict: {
    status: 409,
    message: { 'en-US': '{problem}', 'zh-CN': '{problem}' },
  },
  payload_too_large: {
    status: 413,
    message: {
      'en-US': 'The request body is larger than the limit of {limit} bytes; send smaller batches',
      'zh-CN': '请求体超过 {limit} 字节的上限，请拆分成更小的批次发送',
    },
  },
  too_expensive: {
    status: 422,
    message: {
      'en-US': 'The request asks for too much: {problem}. {hint}',
      'zh-CN': '请求的计算量过大：{problem}。{hint}',
    },
  },
  unsupported_media_type: {
    status: 415,
    message: {
      'en-US': 'Unsupported content type `{contentType}`; send application/json (optionally gzip-encoded)',
      'zh-CN': '不支持的内容类型 `{contentType}`，请发送 application/json（可用 gzip 压缩）',
    },
  },
  data_dir_locked: {
    status: 423,
    message: {
      'en-US':
        'The data directory {dataDir} is in use by another fupan process (pid {pid}{server}). Stop that process first, or use its HTTP API / web app at {url}; two processes never open one data directory',
      'zh-CN':
        '数据目录 {dataDir} 正被另一个 fupan 进程使用（pid {pid}{server}）。请先停止该进程，或通过它的 HTTP API / 网页端 {url} 操作；同一数据目录不会被两个进程同时打开',
    },
  },
  config_invalid: {
    status: 400,
    message: {
      'en-US': 'Invalid setting `{setting}` (from {source}): {problem}',
      'zh-CN': '配置项 `{setting}` 无效（来源：{source}）：{problem}',
    },
  },
  query_failed: {
    status: 500,
    message: {
      'en-US': 'The query failed in the engine: {problem}',
      'zh-CN': '查询在引擎中执行失败：{problem}',
    },
  },
  internal: {
    status: 500,
    message: {
      'en-US': 'Internal error ({id}); the server log has the details',
      'zh-CN': '内部错误（{id}），详情见服务日志',
    },
  },
} satisfies ErrorTable;
