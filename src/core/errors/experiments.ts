import type { ErrorTable } from './registry.js';

/** Errors of experiment definitions and experiment results from events. */
export const experimentErrors = {
  experiment_invalid: {
    status: 400,
    message: {
      'en-US': 'Experiment `{key}` is invalid at `{path}`: {problem}',
      'zh-CN': '实验 `{key}` 的定义无效（`{path}`）：{problem}',
    },
  },
  experiment_exists: {
    status: 409,
    message: {
      'en-US': 'Experiment `{key}` already exists in project {projectId}; update it instead',
      'zh-CN': '项目 {projectId} 中已存在实验 `{key}`，请改为更新它',
    },
  },
  experiment_no_data: {
    status: 422,
    message: {
      'en-US': 'Experiment `{key}` cannot be analysed yet: {problem}',
      'zh-CN': '实验 `{key}` 暂时无法分析：{problem}',
    },
  },
} satisfies ErrorTable;
