/**
 * The dashboard's operations pages in a real browser (Debian's Chromium driven by playwright-core)
 * against OCP started with `npm start` on the embedded database: analytics draws its three charts
 * from real payments, agent refusals and transfers; an alert is resolved with a note; a card refund
 * opens from its list; the audit log pages and filters. Screenshots go to artifacts/screenshots/.
 */
import { join } from 'node:path';
import { createOcpClient, OcpError, type OcpClient } from '@ocp/sdk';
import { type Browser, type Page } from 'playwright-core';
import { TEST_CARDS } from '../support/payments';
import { describeInBrowser, launchChromium, SCREENSHOTS, startOcp, type RunningOcp } from '../support/browser';

const ADMIN = { email: 'admin@dashboard-ops.test', password: 'dashboard-admin-password' };
const PASSWORD = 'operator-password-42';

jest.setTimeout(120_000);

describeInBrowser('the dashboard operations browser tests')(
  'the dashboard operations pages in Chromium, against OCP started with npm start',
  () => {
    let ocp: RunningOcp | undefined;
    let baseUrl: string;
    let browser: Browser;
    let fixture: Awaited<ReturnType<typeof createFixture>>;

    beforeAll(async () => {
      // Low limits, so that the fixture's payments raise alerts: a large movement and repeated agent refusals.
      ocp = await startOcp(ADMIN, { MONITOR_LARGE_AMOUNT_MINOR: '3000', MONITOR_POLICY_REFUSALS_MAX: '2' });
      baseUrl = ocp.baseUrl;
      fixture = await createFixture(baseUrl);
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      ocp?.stop();
    });

    async function signedIn(email: string, width = 1280): Promise<Page> {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${baseUrl}/admin/`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(email === ADMIN.email ? ADMIN.password : PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Sections' }).waitFor();
      return page;
    }
    const section = (page: Page, name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();
    const shoot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

    it('when an admin opens analytics, then volume, payment success rate and agent refusals are pictures of the real figures', async () => {
      const page = await signedIn(ADMIN.email);
      await section(page, 'Analytics');
      const charts = page.locator('figure.chart svg[role="img"]');
      await expectCount(charts, 3);
      const labels = await Promise.all([0, 1, 2].map((i) => charts.nth(i).getAttribute('aria-label')));
      // Today's figures from the fixture: 3 cards approved and 1 declined, 3 refusals by max_per_transaction.
      expect(labels[0]).toMatch(/^Volume by day in USD: [0-9.]+ USD moved/);
      expect(labels[1]).toMatch(/highest 75\.0 %/);
      expect(labels[2]).toMatch(/^Agent refusals: 3 from .*: max per transaction 3; the most on /);
      expect(await page.locator('figure.chart rect.chart-bar').count()).toBe(30);
      expect(await page.locator('figure.chart rect.chart-segment').count()).toBe(1);
      // The numbers are there for screen readers too, in a table per chart.
      expect(await page.getByRole('table', { name: 'Payment success rate by day' }).getByRole('cell', { name: '75.0 %' }).count()).toBe(1);
      await shoot(page, 'analytics');

      await page.getByLabel('Last 24 hours').check();
      await expectCount(page.locator('figure.chart rect.chart-bar'), 24);
      await page.context().close();

      const tablet = await signedIn(ADMIN.email, 768);
      await section(tablet, 'Analytics');
      await expectCount(tablet.locator('figure.chart svg[role="img"]'), 3);
      const overflow = await tablet.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await shoot(tablet, 'analytics-tablet');
      await tablet.context().close();
    });

    it('when support resolves an alert with a note, then it leaves the open list and shows the note among the resolved', async () => {
      const page = await signedIn(fixture.support);
      await section(page, 'Alerts');
      const refusals = page.getByRole('row').filter({ hasText: 'agent policy refusals' });
      await refusals.first().waitFor();
      await shoot(page, 'alerts');
      await refusals.getByRole('button', { name: 'Resolve' }).click();
      await refusals.getByRole('textbox').fill('Owner raised the agent limit');
      await refusals.getByRole('button', { name: 'Resolve' }).click();
      await page.getByRole('status').filter({ hasText: 'Resolved the agent policy refusals alert' }).waitFor();
      await expectCount(page.getByRole('row').filter({ hasText: 'agent policy refusals' }), 0);
      await page.getByLabel('Status').selectOption('resolved');
      await page.getByRole('row').filter({ hasText: 'Owner raised the agent limit' }).waitFor();
      await page.context().close();
    });

    it('when an operator opens card refunds, then the refund of a card funding is listed and opens to its detail', async () => {
      const page = await signedIn(fixture.finance);
      await section(page, 'Card refunds');
      await page.getByLabel('Status').selectOption('all');
      const row = page.locator(`tr[data-card-refund-id="${fixture.cardRefundId}"]`);
      await row.waitFor();
      await shoot(page, 'card-refunds');
      await row.getByRole('link').click();
      await page.getByRole('heading', { level: 1, name: 'Card refund 25.00 USD' }).waitFor();
      await page.getByText(fixture.cardRefundId, { exact: true }).waitFor();
      await shoot(page, 'card-refund');
      await page.context().close();
    });

    it("when an auditor reads the audit log, then the operators' actions are there and the filters narrow them", async () => {
      const page = await signedIn(fixture.auditor);
      await section(page, 'Audit log');
      const rows = page.locator('tr[data-audit-id]');
      await rows.first().waitFor();
      const actions = await page.locator('tr[data-audit-id] td:nth-child(3)').allTextContents();
      expect(actions).toEqual(expect.arrayContaining(['admin_user.create', 'refund_request.create', 'refund_request.approve']));
      await shoot(page, 'audit-log');
      await page.getByLabel('Action').fill('refund_request.approve');
      await page.getByRole('button', { name: 'Apply' }).click();
      await expectCount(rows, 1);
      expect(await rows.first().textContent()).toContain('refund_request.approve');
      await page.getByLabel('Outcome').selectOption('refused');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByRole('status').filter({ hasText: 'No audit record matches.' }).waitFor();
      await page.context().close();
    });
  },
);

/** Waits until the locator matches `count` elements, then checks it. */
async function expectCount(locator: ReturnType<Page['locator']>, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && (await locator.count()) !== count) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await locator.count()).toBe(count);
}

/**
 * Through the API, as the SDK: operators, a customer who funds a wallet by card (three cards approved,
 * one declined), pays another, owns an agent refused twice by its policy, and has a card funding refunded.
 */
async function createFixture(baseUrl: string) {
  const admin = createOcpClient({ baseUrl });
  await admin.login(ADMIN);
  const tag = Date.now().toString(36);
  const operators = { support: `support-${tag}@ops.test`, finance: `finance-${tag}@ops.test`, auditor: `auditor-${tag}@ops.test` };
  for (const [role, email] of Object.entries(operators)) {
    await admin.post('/api/v1/admin/users', { body: { email, password: PASSWORD, role: role as 'support' | 'finance' | 'auditor' } });
  }

  const payer = await customer(baseUrl, `payer-${tag}@ops.test`);
  const payee = await customer(baseUrl, `payee-${tag}@ops.test`);
  const card = async (number: string) =>
    (
      await payer.ocp.post('/api/v1/tokens', {
        body: { type: 'card', data: { number, expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123' } },
      })
    ).id;
  const approved = await card(TEST_CARDS.approved);
  const funding = await payer.ocp.post('/api/v1/wallets/{id}/fund', {
    params: { path: { id: payer.walletId } },
    body: { tokenId: approved, amount: '2500' },
  });
  for (const amount of ['4000', '1500']) {
    await payer.ocp.post('/api/v1/wallets/{id}/fund', { params: { path: { id: payer.walletId } }, body: { tokenId: approved, amount } });
  }
  const declined = await card(TEST_CARDS.declined);
  await expectRefusal(
    payer.ocp.post('/api/v1/wallets/{id}/fund', { params: { path: { id: payer.walletId } }, body: { tokenId: declined, amount: '1000' } }),
    'card_declined',
  );
  await payer.ocp.post('/api/v1/wallet/transfer', {
    body: { fromWalletId: payer.walletId, toWalletId: payee.walletId, amount: '1200', currency: 'USD' },
  });

  const agent = await payer.ocp.post('/api/v1/agents', {
    body: {
      name: 'shopper',
      walletId: payer.walletId,
      policy: { maxPerTransaction: '100', allowedCounterparties: [], allowedCurrencies: [] },
    },
  });
  const agentClient = createOcpClient({
    baseUrl,
    auth: { clientId: agent.credentials.clientId, clientSecret: agent.credentials.clientSecret },
  });
  for (let i = 0; i < 3; i += 1) {
    const payment = agentClient.post('/api/v1/a2a/transfers', {
      body: { to: { walletId: payee.walletId }, amount: '101', currency: 'USD' },
    });
    await expectRefusal(payment, 'policy_violation');
  }

  // The card funding refunded through the four-eyes flow: the admin asks, finance approves, the card is owed 25.00 USD.
  const entries = await payer.ocp.get('/api/v1/wallets/{id}/transactions', {
    params: { path: { id: payer.walletId }, query: { limit: 20 } },
  });
  const credit = entries.data.find((entry) => entry.transferId === funding.transfer.id);
  if (!credit) throw new Error('the card funding has no entry in the payer wallet');
  const request = await admin.post('/api/v1/admin/refunds', { body: { transactionId: credit.id, reason: 'Charged twice' } });
  const finance = createOcpClient({ baseUrl });
  await finance.login({ email: operators.finance, password: PASSWORD });
  await finance.post('/api/v1/admin/refunds/{id}/approve', { params: { path: { id: request.id } } });
  const cardRefunds = await admin.get('/api/v1/admin/card-refunds', { params: { query: { limit: 10 } } });
  const cardRefundId = cardRefunds.data[0]?.id;
  if (!cardRefundId) throw new Error('the refund of a card funding left no card refund');
  return { ...operators, cardRefundId };
}

async function customer(baseUrl: string, email: string): Promise<{ ocp: OcpClient; walletId: string }> {
  const ocp = createOcpClient({ baseUrl });
  await ocp.post('/api/v1/auth/register', { body: { email, password: PASSWORD } });
  await ocp.login({ email, password: PASSWORD });
  const wallet = await ocp.post('/api/v1/wallets', { body: { currency: 'USD' } });
  return { ocp, walletId: wallet.id };
}

async function expectRefusal(call: Promise<unknown>, code: string): Promise<void> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OcpError);
  expect((error as OcpError).code).toBe(code);
}
