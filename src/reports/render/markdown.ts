import type { Report } from '../model.js';
import { type Block, reportBlocks } from './document.js';
import { escapeMarkdown, mdCell } from './escape.js';

export interface MarkdownOutput {
  markdown: string;
  /** Chart images to write beside the file (`<assetDir>/<name>.svg`). */
  assets: { name: string; svg: string }[];
}

/**
 * Markdown that pastes cleanly into Feishu and Notion: GitHub-style tables, no raw HTML
 * from data, charts as SVG files beside the document (referenced relatively), or
 * embedded as data URIs when `embedCharts` is set (one file to paste).
 */
export function renderMarkdown(report: Report, options: { assetDir?: string; embedCharts?: boolean } = {}): MarkdownOutput {
  const assets: MarkdownOutput['assets'] = [];
  const out: string[] = [];
  for (const block of reportBlocks(report)) out.push(serialise(block, assets, options));
  return { markdown: out.join('\n\n') + '\n', assets };
}

function serialise(b: Block, assets: MarkdownOutput['assets'], o: { assetDir?: string; embedCharts?: boolean }): string {
  switch (b.type) {
    case 'heading':
      return `${'#'.repeat(b.level)} ${escapeMarkdown(b.text)}`;
    case 'paragraph':
      return b.muted ? `*${escapeMarkdown(b.text)}*` : escapeMarkdown(b.text);
    case 'list':
      return b.items.map((i) => `- ${escapeMarkdown(i).replace(/\r?\n/g, ' ')}`).join('\n');
    case 'table':
      return [
        `| ${b.headers.map(mdCell).join(' | ')} |`,
        `| ${b.headers.map(() => '---').join(' | ')} |`,
        ...b.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
      ].join('\n');
    case 'chart': {
      if (o.embedCharts) return `![${escapeMarkdown(b.alt)}](data:image/svg+xml;base64,${Buffer.from(b.svg).toString('base64')})`;
      assets.push({ name: b.name, svg: b.svg });
      return `![${escapeMarkdown(b.alt)}](${o.assetDir ? `${o.assetDir}/` : ''}${b.name}.svg)`;
    }
    case 'code':
      return '```\n' + b.text.replace(/```/g, '` ` `') + '\n```';
  }
}
