import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleReport } from '../../../test/fixtures/report-sample.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { renderPdf } from './pdf.js';

describe('report rendering', () => {
  for (const lang of ['zh-CN', 'en-US'] as const) {
    it(`renders Markdown in ${lang} (snapshot)`, () => {
      const { markdown, assets } = renderMarkdown(sampleReport(lang), { assetDir: 'weekly.charts' });
      expect(markdown).toMatchSnapshot();
      expect(assets.map((a) => a.name)).toEqual(['trend-1-dau', 'funnel']);
      expect(assets[0]!.svg.startsWith('<svg')).toBe(true);
    });

    it(`renders self-contained HTML in ${lang}`, () => {
      const html = renderHtml(sampleReport(lang));
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).toContain('<svg');
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
      expect(html).toContain('@media print');
      expect(html).not.toMatch(/(src|href)="https?:/);
    });
  }

  it('puts sections in the order of PRODUCT.md', () => {
    const { markdown } = renderMarkdown(sampleReport('zh-CN'));
    const order = ['概览', '回顾目标', '评估结果', '分析原因', '总结规律', '行动计划', '上期跟进', '风险', '附录'].map((h) => markdown.indexOf(`## ${h}`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('keeps user text inert in Markdown: no raw tag, no broken table', () => {
    const { markdown } = renderMarkdown(sampleReport('en-US'));
    expect(markdown).not.toContain('<script>');
    const row = markdown.split('\n').find((l) => l.includes('Robot call'))!;
    expect(row).toContain('&lt;script&gt;');
    expect(row.split(/(?<!\\)\|/).length).toBe(6); // 4 cells between 5 unescaped pipes
  });

  it('shows rates in percentage points and ROAS below 1', () => {
    const { markdown } = renderMarkdown(sampleReport('en-US'));
    expect(markdown).toContain('+2.0 pp');
    expect(markdown).toContain('0.26x');
    expect(markdown).toContain('NPS 17.5 (95% CI 14.1 to 20.9, n = 1000)');
  });

  it.runIf(existsSync('/usr/bin/chromium'))('prints a PDF with scripts inert, rendered to PNG for a look', async () => {
    const pdf = await renderPdf(renderHtml(sampleReport('zh-CN')), '/usr/bin/chromium');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = mkdtempSync(join(tmpdir(), 'fupan-pdf-'));
    writeFileSync(join(dir, 'report.pdf'), pdf);
    try {
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', join(dir, 'report.pdf'), join(dir, 'page')]);
      expect(readdirSync(dir).some((f) => f.startsWith('page') && f.endsWith('.png'))).toBe(true);
    } catch {
      // pdftoppm (poppler-utils) is optional; the PDF itself was checked above.
    }
  }, 60_000);

  it('says clearly when Chromium is missing', async () => {
    await expect(renderPdf('<p>x</p>', '/nonexistent/chromium')).rejects.toMatchObject({ code: 'pdf_unavailable' });
  });
});
