import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { startAnvil, type Anvil } from '../../support/anvil';
import { createWeb3Wallet } from '../../support/web3';
import { createMobilePayFixtures } from '../../support/mobile-pay-config';
import { a2aTransfer, registerAgent } from '../../support/agents';
import { createHold } from '../../support/holds';
import { createWallet, fund, transfer } from '../../support/ledger';
import { createMerchant, merchantClientAuth } from '../../support/merchants';
import { createCardToken, fundWithCard, serviceAuth } from '../../support/payments';
import { createPayout, registerBankAccount } from '../../support/payouts';
import { addProduct, completeCheckout, createCheckout, totalOf, UCP_AGENT, updateCheckout } from '../../support/ucp-checkout';
import { issueCredential } from '../../support/ucp-credentials';
import { exampleValue, type SchemaContext } from '../../support/fuzz/schema-arbitrary';
import { changedTables, tableChecksums } from '../../support/fuzz/table-checksum';
import { addTenants, registerTenantUser, TENANT_B } from '../../support/tenants';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { inSystemScope } from '../../../src/infra/tenant-scope';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';
import { USER_PERMISSIONS } from '../../../src/modules/auth/permissions';
import { readOperations, type Operation, type Parameter } from '../../support/fuzz/openapi-operations';

/**
 * Issue 23: the BOLA suite across tenants. Tenant A (the default one) owns real resources of every
 * kind a route takes the id of; a user, an admin, an agent and a service client of tenant B call
 * every operation of the OpenAPI document with A's ids in the path, the body and the query. No
 * answer is a 5xx, no success carries A's ids (or an A user's email), no success names an A row in
 * its path, and A's rows in every table are as they were.
 *
 * Left out: the operations without security (tenant by host name: sign-up, login, token exchange,
 * discovery and UCP checkout sessions, which any anonymous platform may call on A's host by
 * design; tests/component/tenant/tenant-by-host.test.ts covers the host).
 */

// BOLA_REPORT=<file> writes every answer's status and code there, and the unhandled errors.

/** Metadata of A's transfer: B's metadata searches look for it. */
const A_ORDER = 'tenant-a-order';
/** B's host name: a caller without a token there is B's. */
const B_HOST = 'b.cross-tenant.test';

interface Finding {
  request: string;
  status: number;
  detail: string;
}

describe("tenant isolation: every operation, called by another tenant's actors with the first tenant's ids, is refused", () => {
  let t: TestApp;
  let anvil: Anvil;
  let operations: Operation[];
  let ctx: SchemaContext;
  /** Tenant A's resources by kind. */
  const a: Record<string, string> = {};
  /** Tenant A's users' emails: a search that finds one leaks it. */
  const aEmails: string[] = [];
  let bWallet: string;
  let bAgentId: string;
  /** B's own parents of nested resources: B's merchant and webhook, with A's product, order or delivery under them. */
  const bOwn: Record<string, string> = {};
  let actors: { name: string; auth: Record<string, string> }[];

  const http = () => t.http();
  const idOf = (res: { status: number; body: Record<string, unknown> }, what: string, field = 'id'): string => {
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return String(res.body[field]);
  };

  beforeAll(async () => {
    anvil = await startAnvil();
    t = await startTestApp(
      {
        ...(await createMobilePayFixtures()).env,
        WEB3_CHAINS: JSON.stringify({ [anvil.chainId]: { rpcUrl: anvil.rpcUrl, confirmations: 1, tokens: {} } }),
        WEB3_WATCHER_INTERVAL_MS: '0',
        WEB3_RPC_TIMEOUT_MS: '3000',
        // A's funding of 100,000 raises a large-movement alert; B's of 50,000 does not.
        MONITOR_LARGE_AMOUNT_MINOR: '60000',
      },
      // Apple's validation is configured, and a request that reaches it with A's session is a 500.
      {
        applePayMerchantValidator: {
          validate: () => Promise.reject(new Error("merchant validation reached with another tenant's session")),
        },
      },
    );

    // Tenant A: requests without tid in their tokens are the default tenant's.
    const admin = await loginAdmin(t);
    const user = await registerUser(t);
    const other = await registerUser(t);
    aEmails.push(user.email, other.email);
    a.user = user.id;
    a.other = other.id;
    a.wallet = (await createWallet(t, user, 'USD')).id;
    a.otherWallet = (await createWallet(t, other, 'USD')).id;
    await fund(t, a.wallet, 100_000);
    const paid = await transfer(t, user, {
      fromWalletId: a.wallet,
      toWalletId: a.otherWallet,
      amount: '500',
      metadata: { orderId: A_ORDER },
    });
    a.transfer = String(paid.body.transfer.id);
    a.debit = String(paid.body.debit.id);
    a.credit = String(paid.body.credit.id);
    a.hold = idOf(await createHold(t, user.auth, { fromWalletId: a.wallet, toWalletId: a.otherWallet, amount: '100' }), 'hold');
    const agent = await registerAgent(t, { owner: user, walletId: a.wallet, policy: { maxPerTransaction: '1000' } });
    a.agent = agent.id;
    a.agentClient = agent.clientId;
    a.webhook = idOf(
      await http()
        .post('/api/v1/webhooks')
        .set(user.auth)
        .send({ url: 'https://example.com/hook', events: ['*'] }),
      'webhook',
    );
    const test = await http().post(`/api/v1/webhooks/${a.webhook}/test`).set(user.auth);
    a.delivery = String(test.body.id ?? test.body.deliveryId ?? test.body.delivery?.id);
    const token = await createCardToken(t, user.auth);
    a.token = token.id;
    await http()
      .put(`/api/v1/wallets/${a.wallet}/auto-top-up`)
      .set(user.auth)
      .send({ enabled: true, threshold: '10', amount: '1000', tokenId: token.id });
    // A card funding refunded by its owner: a card refund.
    const funded = await fundWithCard(t, user.auth, a.wallet, { tokenId: token.id, amount: '300' });
    a.cardCharge = String(funded.body.charge?.id);
    const refunded = await http()
      .post(`/api/v1/transactions/${funded.body.credit.id}/refund`)
      .set(user.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ reason: 'changed my mind' });
    a.cardRefund = String(refunded.body.externalRefund?.id);
    await t.container.funding.cardRefunds.idle();
    a.destination = (await registerBankAccount(t, user.auth)).id;
    a.payout = idOf(
      await createPayout(t, user.auth, { walletId: a.wallet, amount: '100', destination: { type: 'card', tokenId: token.id } }),
      'payout',
    );
    const merchant = await createMerchant(t, user);
    a.merchant = merchant.id;
    a.merchantWallet = merchant.walletId;
    a.product = 'sku-tenant-a-tee';
    await addProduct(t, user, merchant.id, { id: a.product, title: 'Tee', price: 500, stock: 5 });
    const merchantClient = (await merchantClientAuth(t, user, merchant.id)).client;
    a.merchantClient = merchantClient.id;
    a.merchantClientId = merchantClient.clientId;
    a.checkout = idOf(
      await http()
        .post(`/ucp/${merchant.id}/checkout-sessions`)
        .set(UCP_AGENT)
        .send({ line_items: [{ item: { id: a.product }, quantity: 1 }] }),
      'checkout',
    );
    // An order and its payment: a second checkout, paid by A's agent.
    const sold = await createCheckout(t, merchant.id, { line_items: [{ item: { id: a.product }, quantity: 1 }] });
    const ready = await updateCheckout(t, merchant.id, String(sold.body.id), {
      line_items: [{ id: sold.body.line_items[0].id, item: { id: a.product }, quantity: 1 }],
      buyer: { email: 'jane@example.com', first_name: 'Jane' },
    });
    const issued = await issueCredential(t, agent, merchant.id, {
      checkout_id: String(sold.body.id),
      amount: String(totalOf(ready.body)),
      currency: 'USD',
    });
    const done = await completeCheckout(
      t,
      merchant.id,
      String(sold.body.id),
      { payment_data: issued.body.instrument },
      { ...UCP_AGENT, 'Idempotency-Key': randomUUID() },
    );
    a.order = String(done.body.order?.id);
    const orders = await http().get(`/api/v1/merchants/${merchant.id}/orders`).set(user.auth);
    a.payment = String(orders.body.data?.[0]?.paymentId);
    // A payment of an agent waiting for its owner's approval.
    const careful = await registerAgent(t, { owner: user, walletId: a.wallet, policy: { approvalThreshold: '100' } });
    a.carefulAgent = careful.id;
    a.approval = idOf(await a2aTransfer(t, careful, { to: { walletId: a.otherWallet }, amount: '150', currency: 'USD' }), 'approval');
    const alerts = await http().get('/api/v1/admin/alerts').set(admin.auth);
    a.alert = String(alerts.body.data?.[0]?.id);
    a.reconciliation = idOf(
      await http()
        .post('/api/v1/admin/reconciliations')
        .set(admin.auth)
        .set('Content-Type', 'text/csv')
        .send(`id,type,amount,currency,fee,date\nch_tenant_a,charge,1.00,USD,0.30,${new Date().toISOString()}\n`),
      'reconciliation',
    );
    a.apiClient = (await serviceAuth(t, ['wallet:read'])).id;
    a.refundRequest = idOf(
      await http().post(`/api/v1/transactions/${a.debit}/refund-requests`).set(user.auth).send({ amount: '100', reason: 'wrong item' }),
      'refund request',
    );
    a.adjustmentRequest = idOf(
      await http()
        .post('/api/v1/admin/adjustment-requests')
        .set(admin.auth)
        .send({ walletId: a.wallet, amount: '100', reason: 'goodwill' }),
      'adjustment request',
    );
    a.applePaySession = idOf(
      await http()
        .post('/api/v1/payment/apple-pay/init')
        .set(user.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ walletId: a.wallet, amount: '100', currency: 'USD' }),
      'apple pay session',
      'sessionId',
    );
    a.web3Wallet = (await createWeb3Wallet(t, user, { chainId: anvil.chainId })).id;
    await t.container.funding.autoTopUp.idle();
    await t.container.payouts.processing.idle();
    expect(Object.entries(a).filter(([, id]) => !id || id === 'undefined')).toEqual([]);

    // Tenant B: a user with money, an admin, an agent of the user, a service client of the admin.
    await addTenants(t, TENANT_B);
    const bUser = await registerTenantUser(t, TENANT_B);
    const bAdmin = await registerTenantUser(t, TENANT_B, 'admin');
    const claims = JSON.parse(Buffer.from(bAdmin.accessToken.split('.')[1]!, 'base64url').toString()) as { tid?: string };
    expect(claims.tid).toBe(TENANT_B);
    bWallet = idOf(await http().post('/api/v1/wallets').set(bUser.auth).send({ currency: 'USD' }), 'B wallet');
    idOf(
      await http()
        .post(`/api/v1/admin/wallets/${bWallet}/adjustments`)
        .set(bAdmin.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ amount: '50000', reason: 'test funding' }),
      'B funding',
    );
    const bAgent = await registerAgent(t, { owner: bUser, walletId: bWallet, policy: { maxPerTransaction: '1000' } });
    bAgentId = bAgent.id;
    bOwn.merchant = (await createMerchant(t, bUser)).id;
    bOwn.webhook = idOf(
      await http()
        .post('/api/v1/webhooks')
        .set(bUser.auth)
        .send({ url: 'https://example.com/b-hook', events: ['*'] }),
      'B webhook',
    );
    const client = await http()
      .post('/api/v1/admin/api-clients')
      .set(bAdmin.auth)
      .send({ name: 'b server', permissions: [...USER_PERMISSIONS] });
    const clientToken = await http()
      .post('/api/v1/auth/token')
      .send({ clientId: client.body.clientId, clientSecret: client.body.clientSecret });
    actors = [
      { name: 'B user', auth: bUser.auth },
      { name: 'B admin', auth: bAdmin.auth },
      { name: 'B agent', auth: bAgent.auth },
      { name: 'B service', auth: { Authorization: `Bearer ${idOf(clientToken, 'B client token', 'accessToken')}` } },
    ];

    const read = await readOperations(t);
    operations = read.operations;
    ctx = { components: read.components, ids: Object.values(a) };
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await anvil?.stop();
  });

  /** A's id for a path parameter: by its name, else by the collection it follows. */
  function pathId(path: string, param: string): string {
    const byName: Record<string, string | undefined> = {
      merchantId: a.merchant,
      agentId: a.agent,
      productId: a.product,
      clientId: a.merchantClient,
      deliveryId: a.delivery,
    };
    if (byName[param]) return byName[param];
    const collection =
      path
        .slice(0, path.indexOf(`{${param}}`))
        .split('/')
        .filter(Boolean)
        .pop() ?? '';
    const byCollection: Record<string, string | undefined> = {
      wallets: path.startsWith('/api/v1/web3/') ? a.web3Wallet : a.wallet,
      transactions: a.debit,
      'multi-leg': a.transfer,
      holds: a.hold,
      webhooks: a.webhook,
      tokens: a.token,
      payouts: a.payout,
      approvals: a.approval,
      orders: a.order,
      payments: a.payment,
      agents: a.agent,
      merchants: a.merchant,
      'api-clients': a.apiClient,
      customers: a.user,
      refunds: a.refundRequest,
      'adjustment-requests': a.adjustmentRequest,
      tenants: DEFAULT_TENANT_ID,
      'checkout-sessions': a.checkout,
      alerts: a.alert,
      reconciliations: a.reconciliation,
      'card-refunds': a.cardRefund,
    };
    // Kinds A has none of here (web3 sends, risk reviews):
    // an id that exists nowhere, so the call is still made.
    return byCollection[collection] ?? `${collection}_missing_in_a`;
  }

  /** Values for the fields of bodies and queries: A's ids wherever a field names one. */
  function pick(from: string, to: string) {
    const values: Record<string, unknown> = {
      fromWalletId: from,
      toWalletId: to,
      walletId: a.wallet,
      web3WalletId: a.web3Wallet,
      agentId: a.agent,
      merchantId: a.merchant,
      transactionId: a.debit,
      tokenId: a.token,
      sessionId: a.applePaySession,
      checkout_id: a.checkout,
      checkoutId: a.checkout,
      to: a.agent,
      actorId: a.user,
      customerId: a.user,
      targetId: a.wallet,
      q: aEmails[0],
      client_id: a.merchantClientId,
      destination: { type: 'card', tokenId: a.token },
      amount: '100',
      currency: 'USD',
      reason: 'cross-tenant',
      label: 'taken',
      name: 'taken',
      displayName: 'taken',
      title: 'taken',
      url: 'https://example.com/hook',
      events: ['*'],
      chainId: anvil.chainId,
      id: 'sku-tenant-b',
      metadata: {},
    };
    return (name: string) => values[name];
  }

  /** What the schema alone does not make well-formed, per operation: so that the request reaches the service. */
  function bodyExtras(op: Operation): Record<string, unknown> {
    const extras: Record<string, Record<string, unknown>> = {
      'POST /api/v1/web3/send': { to: '0x00000000000000000000000000000000000000aa', asset: 'native' },
      'POST /api/v1/a2a/transfers': { to: { walletId: a.wallet } },
      'POST /api/v1/agents': { unlimited: true },
      'POST /api/v1/agents/{id}/mandates': { constraints: {} },
      'POST /api/v1/ucp/process': {
        ver: '1.0',
        intent: 'payment',
        sender: { agent_id: bAgentId },
        recipient: { agent_id: a.agent },
        amount: { value: '100', currency: 'USD' },
      },
      'POST /api/v1/ucp/payment-credentials': { business: { merchant_id: a.merchant } },
      'POST /api/v1/admin/users': { password: 'correct-horse-battery-9' },
      // A's user's credentials, right ones.
      'POST /api/v1/auth/login': { email: aEmails[0], password: 'correct-horse-battery' },
    };
    return extras[`${op.method} ${op.path}`] ?? {};
  }

  /** One request per body variant: where a body moves money between wallets, A to A, B to A and A to B. */
  function requestsOf(op: Operation) {
    const pathParams = op.parameters.filter((x) => x.in === 'path');
    const withIds = (ids: (p: Parameter, index: number) => string) =>
      pathParams.reduce((path, p, i) => path.replace(`{${p.name}}`, encodeURIComponent(ids(p, i))), op.path);
    const path = withIds((p) => pathId(op.path, p.name));
    // Under a parent of B's own (B's merchant, B's webhook), A's product, order, payment or delivery.
    const parent =
      pathParams.length > 1
        ? op.path.startsWith('/api/v1/merchants/')
          ? bOwn.merchant
          : op.path.startsWith('/api/v1/webhooks/')
            ? bOwn.webhook
            : undefined
        : undefined;
    const nested = parent
      ? [{ path: withIds((p, i) => (i === 0 ? parent : pathId(op.path, p.name))), body: undefined as string | undefined }]
      : [];
    const hasFrom = op.body && JSON.stringify(op.body).includes('fromWalletId');
    const variants: [string, string][] = hasFrom
      ? [
          [a.wallet!, a.otherWallet!],
          [bWallet, a.wallet!],
          [a.wallet!, bWallet],
        ]
      : [[a.wallet!, a.otherWallet!]];
    const requests = variants.map(([from, to]) => {
      const choose = pick(from, to);
      // In a query, from and to are dates.
      const chooseInQuery = (name: string) => (name === 'to' || name === 'from' ? undefined : choose(name));
      const query = op.parameters
        .filter((p) => p.in === 'query' && (p.required || chooseInQuery(p.name) !== undefined) && p.name !== 'metadata')
        .map((p) => {
          const v = exampleValue(p.schema, ctx, chooseInQuery, p.name);
          return `${encodeURIComponent(p.name)}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`;
        })
        .concat(op.parameters.some((p) => p.in === 'query' && p.name === 'metadata') ? [`metadata[orderId]=${A_ORDER}`] : [])
        .join('&');
      const body = op.body ? JSON.stringify({ ...(exampleValue(op.body, ctx, choose) as object), ...bodyExtras(op) }) : undefined;
      return { path: `${path}${query ? `?${query}` : ''}`, body };
    });
    // A list or search is asked with A's ids in its filters and without any.
    const bare = op.method === 'GET' && !op.parameters.some((p) => p.in === 'path' || p.required) && requests[0]!.path !== op.path;
    if (nested[0] && requests[0]) nested[0].body = requests[0].body;
    return [...requests, ...nested, ...(bare ? [{ path: op.path, body: undefined }] : [])];
  }

  const forbidden = () => [...Object.values(a).filter((id) => id !== DEFAULT_TENANT_ID), ...aEmails];

  it("when B's actors ask GraphQL for A's wallets, transactions and agents, or change them, then no answer names them", async () => {
    const documents = [
      `{ wallet(id: "${a.wallet}") { id balance transactions { edges { node { id } } } } }`,
      `{ agent(id: "${a.agent}") { id } }`,
      '{ wallets { edges { node { id transactions { edges { node { id } } } } } } agents { edges { node { id } } } webhooks { id } }',
      `mutation { updateWallet(id: "${a.wallet}", input: { label: "taken", status: frozen }) { id } }`,
      `mutation { transfer(input: { fromWalletId: "${a.wallet}", toWalletId: "${bWallet}", amount: "100" }, idempotencyKey: "${randomUUID()}") { __typename } }`,
      `mutation { transfer(input: { fromWalletId: "${bWallet}", toWalletId: "${a.wallet}", amount: "100" }, idempotencyKey: "${randomUUID()}") { __typename } }`,
      `mutation { updateAgent(id: "${a.agent}", input: { name: "taken" }) { id } }`,
      `mutation { suspendAgent(id: "${a.agent}") { id } }`,
      `mutation { revokeAgent(id: "${a.agent}") { id } }`,
    ];
    const before = await inSystemScope(() => tableChecksums(t.container.db, { tenantId: DEFAULT_TENANT_ID }));
    const findings: string[] = [];
    for (const query of documents) {
      for (const actor of actors) {
        const res = await http().post('/api/v1/graphql').set(actor.auth).send({ query });
        const data = JSON.stringify(res.body.data ?? null);
        if (res.status >= 500) findings.push(`${actor.name}: ${query} -> ${res.status} ${res.text.slice(0, 200)}`);
        const leaked = forbidden().filter((id) => data.includes(id));
        if (leaked.length) findings.push(`${actor.name}: ${query} -> names ${leaked.join(', ')}`);
      }
    }
    expect(findings).toEqual([]);
    const after = await inSystemScope(() => tableChecksums(t.container.db, { tenantId: DEFAULT_TENANT_ID }));
    expect(changedTables(before, after)).toEqual([]);
  });

  interface Caller {
    name: string;
    auth: Record<string, string>;
  }
  const answers: string[] = [];

  /** Calls each operation as each caller; returns what broke the rules and how many requests went. */
  async function exercise(ops: Operation[], callers: Caller[], host?: string): Promise<{ findings: Finding[]; sent: number }> {
    const findings: Finding[] = [];
    const leaks = forbidden();
    let sent = 0;
    for (const op of ops) {
      const hasPathIds = op.parameters.some((p) => p.in === 'path');
      for (const req of requestsOf(op)) {
        for (const caller of callers) {
          let call = http()[op.method.toLowerCase() as 'get'](req.path).set(caller.auth).set('Idempotency-Key', randomUUID());
          if (host) call = call.set('Host', host);
          if (op.path.startsWith('/ucp/') || op.path.includes('/ucp/')) call = call.set(UCP_AGENT);
          if (req.body !== undefined) call = call.set('Content-Type', 'application/json').send(req.body);
          const res = await call;
          sent += 1;
          if (process.env.BOLA_REPORT)
            answers.push(
              `${res.status} ${String(res.body?.error?.code ?? '')} ${caller.name}: ${op.method} ${req.path} ${res.status === 400 ? `${req.body} ${JSON.stringify(res.body.error?.details)}` : ''}`,
            );
          const described = `${caller.name}: ${op.method} ${req.path} ${req.body ?? ''}`.slice(0, 400);
          if (res.status >= 500) findings.push({ request: described, status: res.status, detail: res.text.slice(0, 300) });
          if (res.status < 300) {
            const leaked = leaks.filter((id) => res.text.includes(id));
            if (leaked.length) findings.push({ request: described, status: res.status, detail: `answer names A's ${leaked.join(', ')}` });
            else if (hasPathIds)
              findings.push({ request: described, status: res.status, detail: `success on A's id: ${res.text.slice(0, 200)}` });
          }
        }
      }
    }
    return { findings, sent };
  }

  const aRows = () => inSystemScope(() => tableChecksums(t.container.db, { tenantId: DEFAULT_TENANT_ID }));

  it("when anyone calls the operations without a token on B's host name with A's ids, then nothing of A is read or changed", async () => {
    await inSystemScope(() =>
      t.container.db.query('INSERT INTO tenant_hostnames (hostname, tenant_id) VALUES ($1, $2)', [B_HOST, TENANT_B]),
    );
    const before = await aRows();
    const ops = operations.filter(
      (op) =>
        !op.secured &&
        // A refresh token or a client id is found in every tenant, then used in its own (docs/tenants.md):
        // A's, sent to B's host, works in A by design. Sign-up with A's email on B's host makes B's user
        // (tests/component/tenant/isolation.test.ts).
        !['/api/v1/auth/refresh', '/api/v1/auth/token', '/api/v1/auth/register'].includes(op.path),
    );
    const { findings, sent } = await exercise(ops, [{ name: "anonymous on B's host", auth: {} }], B_HOST);
    expect({ changed: changedTables(before, await aRows()), findings }).toEqual({ changed: [], findings: [] });
    expect(sent).toBeGreaterThan(15);
  });

  it("when B's user, admin, agent and service client call every operation with A's ids, then nothing of A is read or changed", async () => {
    const before = await aRows();
    // Logout denies the caller's token: last, so the other operations still get past authentication.
    const ordered = operations
      .filter((op) => op.secured && (!op.path.startsWith('/api/v1/auth/') || op.path === '/api/v1/auth/logout'))
      // It fetches a URL of the caller's choice, in which A has no part (and the test none to offer).
      .filter((op) => op.path !== '/api/v1/x402/pay')
      .sort((x, y) => Number(x.path === '/api/v1/auth/logout') - Number(y.path === '/api/v1/auth/logout'));
    const { findings, sent } = await exercise(ordered, actors);
    await t.container.funding.autoTopUp.idle();
    await t.container.payouts.processing.idle();
    const changed = changedTables(before, await aRows());
    if (process.env.BOLA_REPORT) {
      const unhandled = t.logs.entries
        .filter((e) => e.message === 'unhandled error')
        .map((e) => String((e.error as Error)?.stack ?? e.error));
      writeFileSync(process.env.BOLA_REPORT, JSON.stringify({ sent, answers, unhandled }, null, 1));
    }
    expect({ changed, findings: findings.length, first: findings.slice(0, 30) }).toEqual({ changed: [], findings: 0, first: [] });
    expect(sent).toBeGreaterThan(400);
  }, 300_000);
});
