import type { Report } from '../model.js';
import { type Block, reportBlocks } from './document.js';
import { escapeHtml } from './escape.js';

const STYLE = `
  :root { --fg: #1f1f1f; --muted: #6b6b6b; --line: #e5e5e5; --accent: #1677ff; }
  body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; color: var(--fg);
         max-width: 960px; margin: 32px auto; padding: 0 24px; line-height: 1.6; font-size: 14px; }
  h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 18px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; margin-top: 32px; }
  h3 { font-size: 15px; margin-top: 20px; }
  .muted { color: var(--muted); }
  table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 13px; }
  th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
  th { background: #fafafa; }
  td { white-space: pre-wrap; word-break: break-word; }
  figure { margin: 12px 0; } figure svg { max-width: 100%; height: auto; }
  @media print {
    body { margin: 0; max-width: none; font-size: 11px; }
    h2 { break-after: avoid; } table, figure { break-inside: avoid; }
    @page { size: A4; margin: 14mm; }
  }
`;

/**
 * One self-contained HTML file: inline CSS with print styles, charts as inline SVG, no
 * scripts. All text is escaped, so anything a person typed (a `<script>` in a
 * reflection) is shown as text and never runs — in the browser or in the PDF.
 */
export function renderHtml(report: Report): string {
  const body = reportBlocks(report).map(serialise).join('\n');
  const title = escapeHtml(`${report.projectName} · ${report.period.label}`);
  return `<!doctype html>
<html lang="${report.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function serialise(b: Block): string {
  switch (b.type) {
    case 'heading':
      return `<h${b.level}>${escapeHtml(b.text)}</h${b.level}>`;
    case 'paragraph':
      return `<p${b.muted ? ' class="muted"' : ''}>${escapeHtml(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
    case 'table':
      return `<table><thead><tr>${b.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${b.rows
        .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
    case 'chart':
      // The SVG is produced by ECharts from our own numbers and labels (it encodes text
      // nodes itself); scripts are stripped anyway as a second line of defence.
      return `<figure aria-label="${escapeHtml(b.alt)}">${stripScripts(b.svg)}</figure>`;
    case 'code':
      return `<pre><code>${escapeHtml(b.text)}</code></pre>`;
  }
}

function stripScripts(svg: string): string {
  return svg.replace(/<script[\s\S]*?<\/script>/gi, '').replace(/\son\w+="[^"]*"/gi, '');
}
