import type { ErrorTable } from './registry.js';

/** Errors of the metric dictionary, goals, periods and findings. */
export const metricsErrors = {
  metric_invalid: {
    status: 400,
    message: {
      'en-US': 'Metric `{key}` is invalid: {problem}',
      'zh-CN': '指标 `{key}` 的定义无效：{problem}',
    },
  },
  metric_cycle: {
    status: 400,
    message: {
      'en-US': 'Metric formulas refer to each other in a loop: {cycle}',
      'zh-CN': '指标公式之间存在循环引用：{cycle}',
    },
  },
  metric_unavailable: {
    status: 422,
    message: {
      'en-US': 'Metric `{key}` cannot be computed {what}: {problem}',
      'zh-CN': '指标 `{key}` 无法计算（{what}）：{problem}',
    },
  },
  period_invalid: {
    status: 400,
    message: {
      'en-US': 'Invalid period `{period}`: expected 2025-W28, 2025-07, 2025-Q3 or 2025-07-01..2025-07-20',
      'zh-CN': '周期 `{period}` 无效：应为 2025-W28、2025-07、2025-Q3 或 2025-07-01..2025-07-20 这样的格式',
    },
  },
  dictionary_invalid: {
    status: 400,
    message: {
      'en-US': 'The metric dictionary is invalid at `{path}`: {problem}; nothing was written',
      'zh-CN': '数据字典在 `{path}` 处无效：{problem}；未写入任何内容',
    },
  },
} satisfies ErrorTable;
