import type { ErrorTable } from './registry.js';

/** Errors of the report: periods, PDF, publishing. */
export const reportErrors = {
  pdf_unavailable: {
    status: 501,
    message: {
      'en-US': 'PDF export needs headless Chromium, which was not found at {path}. Install it (Debian: apt-get install chromium) or set FUPAN_CHROMIUM_PATH; Markdown and HTML work without it',
      'zh-CN': '导出 PDF 需要无头 Chromium，但在 {path} 未找到。请安装（Debian：apt-get install chromium）或设置 FUPAN_CHROMIUM_PATH；Markdown 与 HTML 导出不受影响',
    },
  },
  report_published: {
    status: 409,
    message: {
      'en-US': 'The report for {period} is published and frozen; edit a new draft instead',
      'zh-CN': '{period} 的报告已发布并冻结，不能再修改；请在新的草稿中编辑',
    },
  },
  report_item_not_found: {
    status: 404,
    message: { 'en-US': 'No {kind} with id `{id}` in this report', 'zh-CN': '本报告中没有 id 为 `{id}` 的{kind}' },
  },
} satisfies ErrorTable;
