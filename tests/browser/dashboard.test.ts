/**
 * The admin dashboard in a real browser (Debian's Chromium driven by playwright-core) against a real
 * OCP started with `npm start` on the embedded database: support finds a customer and opens a refund
 * request, finance approves it and sees the balance change, and support never sees analytics.
 * Screenshots of the main pages go to artifacts/screenshots/ (docs/dashboard.md).
 */
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { createOcpClient, type OcpClient } from '@ocp/sdk';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { describeInBrowser, launchChromium, SCREENSHOTS, startOcp, type RunningOcp } from '../support/browser';

const ROOT = join(__dirname, '../..');
const README_IMAGE = join(ROOT, 'docs/images/dashboard.png');
const ADMIN = { email: 'admin@dashboard.test', password: 'dashboard-admin-password' };
const OPERATOR_PASSWORD = 'operator-password-42';
const CUSTOMER_PASSWORD = 'customer-password-42';

jest.setTimeout(120_000);

describeInBrowser('the admin dashboard browser tests')('the admin dashboard in Chromium, against OCP started with npm start', () => {
  let ocp: RunningOcp | undefined;
  let staticHost: { origin: string; close: () => Promise<void> } | undefined;
  let baseUrl: string;
  let browser: Browser;
  const fixture = { support: '', finance: '', payer: '', payee: '', payeeWallet: '', payerWallet: '' };

  beforeAll(async () => {
    // The same build on another origin (a static host of its own), which OCP's CORS_ORIGINS lets in.
    staticHost = await serveStatic(join(ROOT, 'packages/dashboard/dist'));
    ocp = await startOcp(ADMIN, { CORS_ORIGINS: staticHost.origin });
    baseUrl = ocp.baseUrl;
    Object.assign(fixture, await createFixture(baseUrl));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    ocp?.stop();
    await staticHost?.close();
  });

  /** A fresh browser session (its own sessionStorage) at desktop width. */
  async function openDashboard(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/admin/`);
    return { context, page };
  }

  async function signIn(page: Page, email: string): Promise<void> {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(OPERATOR_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
  }

  async function openCustomer(page: Page, email: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByLabel('Email or customer id').fill(email);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: email }).click();
    await page.getByRole('heading', { level: 1, name: email }).waitFor();
  }

  const balanceCell = (page: Page) => page.locator(`tr[data-wallet-id="${fixture.payeeWallet}"] [data-testid="wallet-balance"]`);
  const shoot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  it('when the sign-in is wrong, then the API says why on the page', async () => {
    const { context, page } = await openDashboard();
    await page.getByLabel('Email').fill(fixture.support);
    await page.getByLabel('Password').fill('not-the-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), /Email or password is wrong/);
    await expectText(page.getByRole('alert'), /invalid_credentials \(HTTP 401\) · request [0-9a-f-]{36}/);
    await shoot(page, 'sign-in-error');
    await context.close();
  });

  it('when an operator uses only the keyboard, then every field is reached in order, focus is visible, and Enter signs in; a reload keeps the session, Sign out ends it', async () => {
    const { context, page } = await openDashboard();
    await page.getByRole('button', { name: 'Sign in' }).waitFor(); // the page has rendered
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('sign-in-email');
    await page.keyboard.type(fixture.support);
    await page.keyboard.press('Tab');
    await page.keyboard.type(OPERATOR_PASSWORD);
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('sign-in-api');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Sign in');
    expect(await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
    // Focus lands on the page that opened (not back at the top), and Tab goes on to its first field.
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('main');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('customer-query');

    // A reload keeps the tab's session; signing out forgets it.
    await page.reload();
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate<string | null>("sessionStorage.getItem('ocp.dashboard.tokens')")).toBeNull();
    await context.close();
  });

  it('when the build is opened from another origin and pointed at OCP, then the operator signs in and works there (CORS_ORIGINS)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    await page.goto(`${staticHost!.origin}/admin/`);
    expect(await page.getByLabel('API URL').inputValue()).toBe(staticHost!.origin);
    await page.getByLabel('API URL').fill(baseUrl);
    await signIn(page, fixture.support);
    await openCustomer(page, fixture.payer);
    expect(page.url()).toContain(staticHost!.origin);
    await context.close();
  });

  it('when support opens a refund request and finance approves it, then the customer balance goes back and the request is approved', async () => {
    const support = await openDashboard();
    await signIn(support.page, fixture.support);
    const nav = support.page.getByRole('navigation', { name: 'Sections' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(expect.arrayContaining(['Customers', 'Refund requests']));
    expect(await nav.getByRole('link', { name: 'Analytics' }).count()).toBe(0);

    await openCustomer(support.page, fixture.payee);
    await expectText(balanceCell(support.page), '20.00 USD');
    await shoot(support.page, 'customer-profile');
    // The README's picture changes only when asked: every run would otherwise leave a changed file behind.
    if (process.env.UPDATE_README_SCREENSHOT === '1') copyFileSync(join(SCREENSHOTS, 'customer-profile.png'), README_IMAGE);

    await support.page.getByRole('button', { name: /^Request a refund of transaction/ }).click();
    await support.page.getByLabel('Reason').fill('Customer says the parcel never arrived');
    await support.page.getByRole('button', { name: 'Open request' }).click();
    await expectText(support.page.getByRole('status').filter({ hasText: 'Refund request' }), /20\.00 USD is pending/);

    await support.page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Refund requests' }).click();
    const waiting = support.page.getByRole('row').filter({ hasText: 'Customer says the parcel never arrived' });
    await expectText(waiting, /pending/);
    await expectText(waiting, /waiting for finance/);
    // Support may request, not decide: no approve button for them.
    expect(await waiting.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await shoot(support.page, 'refund-requests-support');

    // Analytics is not support's: the address itself says so, whatever the navigation shows.
    await support.page.goto(`${baseUrl}/admin/analytics`);
    await support.page.getByRole('heading', { level: 1, name: 'Not permitted' }).waitFor({ timeout: 10_000 });
    await expectText(support.page.locator('main'), /admin:analytics:read/);
    await shoot(support.page, 'analytics-not-permitted');
    await support.context.close();

    const finance = await openDashboard();
    await signIn(finance.page, fixture.finance);
    await finance.page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Refund requests' }).click();
    const pending = finance.page.getByRole('row').filter({ hasText: 'Customer says the parcel never arrived' });
    await shoot(finance.page, 'refund-requests-finance');
    await pending.getByRole('button', { name: 'Approve' }).click();
    await expectText(finance.page.getByRole('status').filter({ hasText: 'Approved' }), /20\.00 USD went back/);

    await openCustomer(finance.page, fixture.payee);
    await expectText(balanceCell(finance.page), '0.00 USD');
    await finance.page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Refund requests' }).click();
    await finance.page.getByLabel('Status').selectOption('approved');
    await expectText(finance.page.getByRole('row').filter({ hasText: 'Customer says the parcel never arrived' }), /approved/);

    // Finance reads the figures: Analytics is theirs, with its charts.
    await finance.page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Analytics' }).click();
    await finance.page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor();
    await finance.page.getByRole('img').first().waitFor();
    await shoot(finance.page, 'analytics-finance');
    await finance.context.close();
  });

  it('when transactions are searched by type and amount range, then the filters reach the API as exact minor units', async () => {
    const { context, page } = await openDashboard();
    await signIn(page, fixture.support);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Transactions' }).click();
    await page.getByLabel('Type').fill('transfer');
    await page.getByLabel('Currency').fill('USD');
    await page.getByLabel('Minimum amount').fill('20.00');
    await page.getByRole('button', { name: 'Search' }).click();
    const found = page.getByRole('region', { name: 'Transactions found' }).getByRole('row').filter({ hasText: '20.00 USD' });
    await expectText(found, /transfer/);
    await shoot(page, 'transactions');

    await page.getByLabel('Minimum amount').fill('20.01');
    await page.getByRole('button', { name: 'Search' }).click();
    await expectText(page.getByRole('status').filter({ hasText: 'transaction' }), 'No transaction matches.');

    await page.getByLabel('Minimum amount').fill('20.001');
    await page.getByRole('button', { name: 'Search' }).click();
    await expectText(page.getByRole('alert'), /USD has 2 decimals/);
    await context.close();
  });

  it('when the window is tablet-wide (768 px), then the profile fits without the page scrolling sideways', async () => {
    const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/admin/`);
    await signIn(page, fixture.support);
    await openCustomer(page, fixture.payer);
    // An expression, not a function: the tests are compiled without the DOM's types.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shoot(page, 'customer-profile-tablet');
    await context.close();
  });

  it('when support freezes a wallet and locks the login with a reason, then the profile shows both, and both undo', async () => {
    const { context, page } = await openDashboard();
    await signIn(page, fixture.support);
    await openCustomer(page, fixture.payer);
    const wallet = page.locator(`tr[data-wallet-id="${fixture.payerWallet}"]`);

    await wallet.getByRole('button', { name: 'Freeze' }).click();
    await wallet.getByLabel('Reason for “freeze”').fill('Card reported stolen');
    await wallet.getByRole('button', { name: 'Freeze' }).click();
    await expectText(wallet, /frozen \(by an operator\)/);
    await page.getByRole('button', { name: 'Lock login' }).click();
    await page.getByLabel('Reason for “lock login”').fill('Account takeover suspected');
    await page.getByRole('button', { name: 'Lock login' }).click();
    await expectText(page.locator('.facts'), /locked — Account takeover suspected/);
    await shoot(page, 'customer-frozen-locked');

    await wallet.getByRole('button', { name: 'Unfreeze' }).click();
    await wallet.getByLabel('Reason for “unfreeze”').fill('Card replaced');
    await wallet.getByRole('button', { name: 'Unfreeze' }).click();
    await expectText(wallet, /active/);
    await page.getByRole('button', { name: 'Unlock login' }).click();
    await page.getByLabel('Reason for “unlock login”').fill('Owner verified');
    await page.getByRole('button', { name: 'Unlock login' }).click();
    await expectText(page.locator('.facts'), /active/);
    await context.close();
  });

  it("when the operator's tenant has a branding, then the top bar shows its name and the page takes its colours", async () => {
    const admin = createOcpClient({ baseUrl });
    await admin.login(ADMIN);
    await admin.patch('/api/v1/admin/tenant/settings', {
      body: { branding: { name: 'Acme Bank', primaryColor: '#7a1fa2', accentColor: '#ffb300' } },
    });
    try {
      const { context, page } = await openDashboard();
      await signIn(page, fixture.support);
      await expectText(page.locator('.topbar .brand'), 'Acme Bank admin');
      // A string: this file is compiled without the DOM's types.
      const accent = await page.evaluate<string>("getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()");
      expect(accent).toBe('#7a1fa2');
      await context.close();
    } finally {
      await admin.patch('/api/v1/admin/tenant/settings', { body: { branding: null } });
    }
  });
});

/**
 * Whether packages/dashboard/dist is missing or older than a source it is built from (after an edit
 * without a rebuild). npm ci builds it fresh, so CI never rebuilds here while other files read it.
 */
/** Waits for the locator's text to match (the page answers after its API call), then checks it. */
async function expectText(locator: ReturnType<Page['locator']>, expected: string | RegExp): Promise<void> {
  const deadline = Date.now() + 10_000;
  let text = '';
  while (Date.now() < deadline) {
    text =
      (await locator
        .first()
        .textContent({ timeout: 10_000 })
        .catch(() => '')) ?? '';
    if (typeof expected === 'string' ? text.includes(expected) : expected.test(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(text).toMatch(expected);
}

/** A static host for the build, as an operator would publish it elsewhere: files, and index.html for the page paths. */
async function serveStatic(distDir: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://static').pathname.replace(/^\/admin\/?/, '');
    const file = join(distDir, path);
    const found = path !== '' && file.startsWith(distDir) && existsSync(file) && statSync(file).isFile();
    const served = found ? file : join(distDir, 'index.html');
    res.writeHead(200, { 'content-type': types[extname(served)] ?? 'application/octet-stream' });
    res.end(readFileSync(served));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Through the API, as the SDK: two operators, a payer with a funded wallet, and a payment to a payee. */
async function createFixture(baseUrl: string) {
  const admin = createOcpClient({ baseUrl });
  await admin.login(ADMIN);
  const tag = Date.now().toString(36);
  const support = `support-${tag}@dashboard.test`;
  const finance = `finance-${tag}@dashboard.test`;
  await admin.post('/api/v1/admin/users', { body: { email: support, password: OPERATOR_PASSWORD, role: 'support' } });
  await admin.post('/api/v1/admin/users', { body: { email: finance, password: OPERATOR_PASSWORD, role: 'finance' } });

  const payer = await customer(baseUrl, `payer-${tag}@dashboard.test`);
  const payee = await customer(baseUrl, `payee-${tag}@dashboard.test`);
  await admin.post('/api/v1/admin/wallets/{id}/adjustments', {
    params: { path: { id: payer.walletId } },
    body: { amount: '5000', reason: 'browser test funding' },
  });
  await payer.ocp.post('/api/v1/wallet/transfer', {
    body: { fromWalletId: payer.walletId, toWalletId: payee.walletId, amount: '2000', currency: 'USD' },
  });
  return { support, finance, payer: payer.email, payee: payee.email, payerWallet: payer.walletId, payeeWallet: payee.walletId };
}

async function customer(baseUrl: string, email: string): Promise<{ email: string; ocp: OcpClient; walletId: string }> {
  const ocp = createOcpClient({ baseUrl });
  await ocp.post('/api/v1/auth/register', { body: { email, password: CUSTOMER_PASSWORD } });
  await ocp.login({ email, password: CUSTOMER_PASSWORD });
  const wallet = await ocp.post('/api/v1/wallets', { body: { currency: 'USD' } });
  return { email, ocp, walletId: wallet.id };
}
