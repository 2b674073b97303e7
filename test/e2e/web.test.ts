import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild, HAVE_CHROMIUM, launch, sampleEvents, SHOTS, SKIP_MESSAGE, startServer, type E2eServer } from './helpers.js';

if (!HAVE_CHROMIUM) console.warn(SKIP_MESSAGE);

/**
 * The web app in headless Chromium against a real server with a fresh data directory:
 * first-run owner setup, sign-in, the dashboard with data, a funnel built and saved to the
 * dashboard, the language switch, screenshots of the main pages in both languages.
 */
describe.skipIf(!HAVE_CHROMIUM)('web app (headless Chromium)', () => {
  let server: E2eServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  let ingestKey = '';

  /** A full-page screenshot once chart animations (ECharts: 1 s) have finished. */
  const shot = async (name: string) => {
    if (await page.locator('canvas').count()) await page.waitForTimeout(1200);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  /** Waits until no spinner is left (data loaded or an error shown). */
  const settle = () => page.waitForFunction('!document.querySelector(".ant-spin-spinning")', undefined, { timeout: 30_000 });
  const go = async (path: string) => {
    await page.goto(server.url + path);
    await page.waitForLoadState('networkidle');
    await settle();
  };
  /**
   * Clicks `target` until `shown` is visible, three tries.
   * A click that lands while a modal or popconfirm is still zooming in can miss on a loaded
   * machine (seen in CI: once the JSON editor never opened and the modal stayed on top of
   * the next test; once a popconfirm's Yes did not publish and the test waited 90 s).
   */
  const clickUntilShown = async (target: Locator, shown: Locator) => {
    for (let i = 0; i < 3; i++) {
      // Gone since the last try: that click did land, and `shown` is on its way.
      if (i > 0 && !(await target.isVisible())) break;
      await target.click();
      if (await shown.first().waitFor({ timeout: 5_000 }).then(() => true, () => false)) return;
    }
    await shown.first().waitFor();
  };
  /** Opens an antd Select by its aria-label and picks the option whose text starts with `text`. */
  const pick = async (label: string, text: string) => {
    await page.getByLabel(label, { exact: true }).click();
    await page.keyboard.type(text);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text }).first().click();
  };

  beforeAll(async () => {
    ensureWebBuild();
    server = await startServer();
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    page = await context.newPage();
    page.on('console', (m) => {
      // 401 from /api/me before sign-in is expected; anything else is a bug.
      if (m.type() === 'error' && !/401|Failed to load resource/.test(m.text())) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates the owner on first run and lands on the project page', async () => {
    await go('/');
    await expect(page.getByText('Welcome to fupan')).toBeTruthy();
    await page.getByText('Create the owner account').waitFor();
    await shot('setup-en');
    await page.getByLabel('Your name').fill('Lin');
    await page.getByLabel('Email').fill('lin@example.com');
    await page.getByLabel('Password').fill('owner-pass-1');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await page.getByText('No project yet').waitFor();
    await shot('no-project-en');
    await page.getByLabel('Project name').fill('Shop');
    await page.getByLabel('Project id (optional)').fill('shop');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL('**/p/shop/dashboard');
  });

  it('sends events with an ingest key, then shows them on the dashboard', async () => {
    const csrf = (await context.cookies()).find((c) => c.name === 'fupan_csrf')!.value;
    const key = await page.request.post(`${server.url}/api/projects/shop/keys`, { data: { kind: 'ingest', label: 'e2e' }, headers: { 'x-csrf-token': csrf } });
    expect(key.status()).toBe(201);
    ingestKey = (await key.json()).key;
    const res = await page.request.post(`${server.url}/batch`, { data: { api_key: ingestKey, batch: sampleEvents(), sent_at: new Date().toISOString() } });
    expect(res.status()).toBe(200);
    await go('/p/shop/dashboard');
    await page.getByText('Key metrics').waitFor();
    await page.waitForSelector('[data-testid="metric-card"], [data-testid="metrics-error"]', { timeout: 30_000 });
    expect(await page.getByTestId('metric-card').count()).toBeGreaterThan(0);
    await settle();
    await shot('dashboard-en');
  });

  it('sets a goal and sees its attainment on the dashboard', async () => {
    await go('/p/shop/goals');
    await page.getByRole('button', { name: 'Add goal' }).click();
    await pick('Metric', 'New persons');
    await page.getByLabel('Target').fill('100');
    await page.locator('.ant-modal').getByRole('button', { name: 'Save' }).click();
    await page.locator('.ant-table-row', { hasText: 'New persons' }).waitFor({ timeout: 60_000 });
    await settle();
    await shot('goals-set-en');
    await go('/p/shop/dashboard');
    await page.getByTestId('goal-card').first().waitFor({ timeout: 60_000 });
    await page.getByTestId('metric-card').first().waitFor();
    await settle();
    await shot('dashboard-goal-en');
  });

  it('creates a metric in the dictionary (server errors on their field) and shows definitions where numbers appear', async () => {
    await go('/p/shop/metrics');
    await page.getByTestId('new-metric').click();
    await page.getByLabel('Key', { exact: true }).fill('orders_per_buyer');
    await page.getByLabel('Name (中文)').fill('人均订单');
    await page.getByLabel('Name (English)').fill('Orders per buyer');
    await page.getByLabel('Unit', { exact: true }).fill('x');
    await page.getByTestId('metric-formula').fill('orders / buyers');
    await page.getByTestId('save-metric').click();
    // The server refuses the unknown key; its message lands under the formula field.
    await page.locator('.ant-form-item-has-error', { hasText: 'unknown metric buyers' }).waitFor();
    await shot('metrics-edit-error-en');
    await page.getByTestId('metric-formula').fill('orders / paying_customers');
    await page.getByTestId('save-metric').click();
    await page.locator('.ant-table-row', { hasText: 'orders_per_buyer' }).waitFor();
    await expect(page.locator('.ant-table-row', { hasText: 'orders_per_buyer' }).textContent()).resolves.toContain('Orders per buyer');
    await shot('metrics-created-en');
    // A JSON definition of any kind works too: edit it as a funnel.
    await page.locator('.ant-table-row', { hasText: 'orders_per_buyer' }).getByRole('button', { name: 'Edit' }).click();
    await clickUntilShown(page.locator('.ant-modal .ant-segmented-item', { hasText: 'JSON' }), page.getByTestId('metric-json'));
    await page.getByTestId('metric-json').fill(JSON.stringify({ kind: 'funnel', steps: [{ event: '$pageview' }, { event: 'order_paid' }], window: { value: 7, unit: 'day' } }));
    await page.getByTestId('save-metric').click();
    await page.locator('.ant-modal').waitFor({ state: 'detached' });
    const saved = await (await page.request.get(`${server.url}/api/projects/shop/metrics/orders_per_buyer`)).json();
    expect(saved.definition.kind).toBe('funnel');
    // The dashboard says what each number means.
    await go('/p/shop/dashboard');
    await page.getByTestId('metric-card').first().waitFor();
    await page.getByTestId('metric-card').first().getByRole('button', { name: /^Definition of/ }).hover();
    await page.getByTestId('metric-definition').first().waitFor();
    await shot('dashboard-definition-en');
  });

  it('the browser SDK on another site sends pageviews, events and identify (fetch and sendBeacon)', async () => {
    // Another origin on loopback (a public test host would be blocked by Private Network Access).
    const html = `<!doctype html><title>Shop</title><script src="${server.url}/sdk.js"></script>
      <script>fupan.init('${ingestKey}', { apiHost: '${server.url}' }); fupan.capture('sdk_click', { plan: 'pro' }); fupan.identify('customer-7');</script>`;
    const other = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const site = await context.newPage();
    const siteUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    await site.goto(`${siteUrl}/pricing?utm_source=wechat`);
    await site.waitForFunction('window.fupan && window.fupan.distinctId === "customer-7" && !localStorage.getItem("fupan_queue")', undefined, { timeout: 20_000 });
    await site.evaluate('fupan.capture("sdk_leaving")');
    await site.close({ runBeforeUnload: true });
    other.close();
    const seen = async () => ((await (await page.request.get(`${server.url}/api/projects/shop/schema/events`)).json()).events as { event: string }[]).map((e) => e.event);
    for (let i = 0; i < 20 && !(await seen()).includes('sdk_leaving'); i++) await new Promise((r) => setTimeout(r, 500));
    expect(await seen()).toEqual(expect.arrayContaining(['sdk_click', '$identify', 'sdk_leaving']));
  });

  it('signs out and back in', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByText('Sign out').click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill('lin@example.com');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The email or password is wrong').waitFor();
    await shot('signin-error-en');
    await page.getByLabel('Password').fill('owner-pass-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Key metrics').waitFor();
  });

  it('builds a funnel and saves it to the dashboard', async () => {
    await go('/p/shop/funnels');
    await pick('Step 1', '$pageview');
    await pick('Step 2', 'sign_up');
    await page.getByTestId('run-funnel').click();
    await page.waitForSelector('canvas, .ant-alert, .ant-result', { timeout: 60_000 });
    await shot('funnel-en');
    if (await page.getByTestId('save-insight').count()) {
      await page.getByTestId('save-insight').click();
      await page.getByLabel('Insight name').fill('Visit → sign-up');
      await page.locator('.ant-modal-footer').getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved').waitFor();
      await go('/p/shop/dashboard');
      await page.getByTestId('insight-card').first().waitFor();
      await expect(page.getByText('Visit → sign-up').count()).resolves.toBeGreaterThan(0);
    }
  });

  it('writes, publishes and exports a report', async () => {
    await go('/p/shop/reports');
    await page.getByTestId('new-report').click();
    // The form submits its initial period: wait until it shows one (under load the modal's
    // form can still be mounting when the button first becomes clickable).
    await page.locator('.ant-modal .ant-select-content-has-value').waitFor();
    const create = page.locator('.ant-modal').getByRole('button', { name: 'Create' });
    await create.click();
    // On a loaded CI machine a first click has twice left the modal open with no navigation
    // (2 of ~8 full runs); if the modal is still there, the user clicks again. A Create that
    // never navigates still fails here.
    await page.waitForURL('**/p/shop/reports/*', { timeout: 20_000 }).catch(async () => {
      if (await create.isVisible()) await create.click();
      await page.waitForURL('**/p/shop/reports/*', { timeout: 60_000 });
    });
    await page.waitForSelector('[data-testid="publish-report"], .ant-alert', { timeout: 90_000 });
    await settle();
    await shot('report-draft-en');
    expect(await page.getByTestId('publish-report').count(), 'the report draft loads').toBe(1);
    await page.getByRole('button', { name: '+ Add card' }).click();
    await page.getByLabel('Problem').first().fill('Sign-ups from douyin fell <script>alert(1)</script>');
    await page.getByLabel('Improvement').first().fill('Move budget to wechat');
    await page.getByTestId('save-report').click();
    await page.getByText('Saved').first().waitFor();
    await settle();
    await page.getByTestId('publish-report').click();
    // The click took when the publish button spins (publishing) or the report says Published.
    const publishing = page.locator('[data-testid="publish-report"].ant-btn-loading').or(page.getByText('Published'));
    await clickUntilShown(page.locator('.ant-popconfirm').getByRole('button', { name: 'Yes' }), publishing);
    await page.getByText('Published').first().waitFor({ timeout: 90_000 });
    await settle();
    await shot('report-published-en');
    const download = page.waitForEvent('download', { timeout: 90_000 });
    await page.getByTestId('export-report').click();
    await page.locator('.ant-dropdown-menu-item', { hasText: 'MD' }).click();
    const file = await download;
    const path = await file.path();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path, 'utf8')).toContain('Move budget to wechat');
  }, 180_000); // drafts, publishes and exports a report: minutes when the machine is busy

  it('runs trends with 环比 and a lifecycle, then shows the other pages in English', async () => {
    await go('/p/shop/trends');
    await pick('Event', '$pageview');
    await page.getByText('Previous period (环比)').click();
    await page.getByRole('button', { name: 'Run' }).click();
    await page.waitForSelector('canvas, .ant-alert', { timeout: 60_000 });
    await settle();
    expect(await page.locator('canvas').count(), 'the trends chart renders').toBeGreaterThan(0);
    await shot('trends-run-en');
    await go('/p/shop/lifecycle');
    await pick('Event', '$pageview');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.waitForSelector('canvas, .ant-alert', { timeout: 60_000 });
    await settle();
    await shot('lifecycle-run-en');
    for (const p of ['retention', 'paths', 'channels', 'experiments', 'goals', 'metrics', 'reports', 'keys', 'members', 'settings']) {
      await go(`/p/shop/${p}`);
      await shot(`${p}-en`);
    }
  }, 180_000); // two analyses and ten pages with screenshots

  it('switches to Chinese and keeps the choice', async () => {
    await go('/p/shop/dashboard');
    await page.getByTestId('lang-switch').first().click();
    await page.locator('.ant-select-item-option', { hasText: '中文' }).click();
    await page.getByText('核心指标').waitFor();
    await page.getByTestId('metric-card').first().waitFor();
    await settle();
    await shot('dashboard-zh');
    await go('/p/shop/funnels');
    await page.getByText('转化窗口').waitFor();
    // The preference is stored on the account: a fresh browser signs in in Chinese.
    const me = await (await page.request.get(`${server.url}/api/me`)).json();
    expect(me.user.lang).toBe('zh-CN');
  });

  it('shows the other pages in Chinese', async () => {
    for (const p of ['funnels', 'trends', 'reports', 'keys', 'settings', 'goals', 'metrics', 'retention', 'experiments', 'members']) {
      await go(`/p/shop/${p}`);
      await shot(`${p}-zh`);
    }
    await go('/p/shop/metrics');
    await page.getByTestId('new-metric').click();
    await page.getByText('名称（英文）').waitFor();
    await shot('metrics-new-zh');
    await page.keyboard.press('Escape');
  }, 180_000); // ten pages with screenshots: over a minute when the machine is busy

  it('runs analyses in Chinese, with Chinese column names', async () => {
    await go('/p/shop/lifecycle');
    await pick('事件', '$pageview');
    await page.getByRole('button', { name: /^运\s*行$/ }).click();
    await page.waitForSelector('canvas, .ant-alert', { timeout: 60_000 });
    await settle();
    await page.locator('th', { hasText: '回流' }).first().waitFor();
    await shot('lifecycle-run-zh');
    await go('/p/shop/paths');
    await pick('事件', '$pageview');
    await page.getByRole('button', { name: /^运\s*行$/ }).click();
    await page.waitForSelector('canvas, .ant-alert, .ant-table', { timeout: 60_000 });
    await settle();
    await shot('paths-run-zh');
    await go('/p/shop/channels');
    await page.getByRole('button', { name: /^运\s*行$/ }).click();
    await page.waitForSelector('.ant-table, .ant-alert, .ant-empty', { timeout: 60_000 });
    await settle();
    await shot('channels-run-zh');
  }, 180_000); // three analyses run and drawn

  it('is usable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await go('/p/shop/dashboard');
    await page.getByTestId('metric-card').first().waitFor();
    await settle();
    await shot('dashboard-zh-phone');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(1);
  });

  it('had no console errors', () => {
    expect(errors).toEqual([]);
  });
});
