import { existsSync } from 'node:fs';
import { FupanError } from '../../core/errors/index.js';

/**
 * PDF through headless Chromium (Debian's `chromium`, driven by playwright-core). The
 * HTML is self-contained and has a CSP that forbids scripts, and JavaScript is disabled
 * in the page as well, so user text can never execute while printing.
 */
export async function renderPdf(html: string, chromiumPath: string): Promise<Buffer> {
  if (!existsSync(chromiumPath)) {
    throw new FupanError('pdf_unavailable', { path: chromiumPath });
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' } });
  } finally {
    await browser.close();
  }
}
