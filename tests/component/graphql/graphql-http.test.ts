/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL answers are read as untyped JSON */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { registerAgent } from '../../support/agents';
import { createWallet, fund, transfer as restTransfer, type TestUser } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { gql, listenWithSubscriptions, type Listening } from './support';

const TRANSFER = `mutation Pay($input: TransferInput!, $key: String!) {
  transfer(input: $input, idempotencyKey: $key) {
    ... on PostedTransfer {
      replayed
      transfer { id amount currency fromWalletId toWalletId status }
      debit { walletId direction amount balanceAfter }
    }
  }
}`;

describe('GraphQL over HTTP (POST /api/v1/graphql)', () => {
  let t: TestApp;
  let http: Listening;
  let alice: TestUser;
  let bob: TestUser;
  let aliceWallet: string;
  let bobWallet: string;

  beforeAll(async () => {
    t = await startTestApp();
    http = await listenWithSubscriptions(t);
    alice = await registerUser(t);
    bob = await registerUser(t);
    aliceWallet = (await createWallet(t, alice, 'USD', { label: 'main' })).id;
    bobWallet = (await createWallet(t, bob)).id;
    await fund(t, aliceWallet, 10_000);
  });

  afterAll(async () => {
    await http.close();
    await t.close();
  });

  it("when the caller asks for its wallets with their transactions, then it gets balances and a cursor connection of REST's history", async () => {
    await restTransfer(t, alice, { fromWalletId: aliceWallet, toWalletId: bobWallet, amount: '100' });
    await restTransfer(t, alice, { fromWalletId: aliceWallet, toWalletId: bobWallet, amount: '200' });
    const query = `query($after: String) { wallets { edges { node { id label balance available held
      transactions(first: 2, after: $after) { edges { cursor node { amount direction counterpartyWalletId } } pageInfo { hasNextPage endCursor } } } } } }`;
    const first = await gql(http.baseUrl, alice.accessToken, query);
    expect(first.status).toBe(200);
    expect(first.body.errors).toBeUndefined();
    const [wallet] = first.body.data!.wallets.edges;
    expect(wallet.node).toMatchObject({ id: aliceWallet, label: 'main', balance: '9700', available: '9700', held: '0' });
    expect(wallet.node.transactions.edges.map((e: any) => e.node.amount)).toEqual(['200', '100']);
    expect(wallet.node.transactions.pageInfo.hasNextPage).toBe(true);
    // The next page, by the cursor: the funding adjustment, and nothing after it.
    const next = await gql(http.baseUrl, alice.accessToken, query, { after: wallet.node.transactions.pageInfo.endCursor });
    const page = next.body.data!.wallets.edges[0].node.transactions;
    expect(page.edges.map((e: any) => [e.node.amount, e.node.direction])).toEqual([['10000', 'credit']]);
    expect(page.pageInfo).toEqual({ hasNextPage: false, endCursor: page.edges[0].cursor });
  });

  it("when the transfer mutation is repeated with its key, then money moves once, and another input under the key is REST's idempotency_conflict", async () => {
    const key = randomUUID();
    const input = { fromWalletId: aliceWallet, toWalletId: bobWallet, amount: '50', currency: 'USD' };
    const first = await gql(http.baseUrl, alice.accessToken, TRANSFER, { input, key });
    expect(first.status).toBe(200);
    expect(first.body.data!.transfer).toMatchObject({ replayed: false, transfer: { amount: '50', status: 'completed' } });
    const again = await gql(http.baseUrl, alice.accessToken, TRANSFER, { input, key });
    expect(again.body.data!.transfer).toEqual({ ...first.body.data!.transfer, replayed: true });
    // The same key and body over REST is the same operation: the stored reply, no second transfer.
    const rest = await restTransfer(t, alice, input, key);
    expect(rest.status).toBe(201);
    expect(rest.headers['idempotent-replayed']).toBe('true');
    expect(rest.body.transfer.id).toBe(first.body.data!.transfer.transfer.id);
    const other = await gql(http.baseUrl, alice.accessToken, TRANSFER, { input: { ...input, amount: '51' }, key });
    expect(other.body.errors![0]!.extensions).toMatchObject({ code: 'idempotency_conflict', status: 422 });
    const restOther = await restTransfer(t, alice, { ...input, amount: '51' }, key);
    expect(restOther.body.error.code).toBe('idempotency_conflict');
    const wallet = await gql(http.baseUrl, alice.accessToken, `query($id: ID!) { wallet(id: $id) { balance } }`, { id: aliceWallet });
    expect(wallet.body.data!.wallet.balance).toBe('9650');
  });

  it("when a service refuses, then the error carries REST's code and status; another user's wallet is wallet_not_found (BOLA)", async () => {
    const poor = await gql(http.baseUrl, alice.accessToken, TRANSFER, {
      input: { fromWalletId: aliceWallet, toWalletId: bobWallet, amount: '99999999' },
      key: randomUUID(),
    });
    expect(poor.status).toBe(200);
    expect(poor.body.errors![0]!.extensions).toMatchObject({ code: 'insufficient_funds', status: 422 });
    const theirs = await gql(http.baseUrl, alice.accessToken, `query($id: ID!) { wallet(id: $id) { balance } }`, { id: bobWallet });
    expect(theirs.body.errors![0]).toMatchObject({ path: ['wallet'], extensions: { code: 'wallet_not_found', status: 404 } });
    const rest = await t.http().get(`/api/v1/wallets/${bobWallet}`).set(alice.auth);
    expect(rest.body.error.code).toBe('wallet_not_found');
    const steal = await gql(http.baseUrl, alice.accessToken, TRANSFER, {
      input: { fromWalletId: bobWallet, toWalletId: aliceWallet, amount: '1' },
      key: randomUUID(),
    });
    expect(steal.body.errors![0]!.extensions.code).toBe('wallet_not_found');
    const update = await gql(
      http.baseUrl,
      alice.accessToken,
      `mutation($id: ID!) { updateWallet(id: $id, input: { label: "mine" }) { id } }`,
      { id: bobWallet },
    );
    expect(update.body.errors![0]!.extensions.code).toBe('wallet_not_found');
  });

  it('when the input breaks a REST rule, then it is validation_failed with the fields, as REST answers it', async () => {
    const res = await gql(http.baseUrl, alice.accessToken, `mutation($id: ID!) { updateWallet(id: $id, input: { label: "" }) { id } }`, {
      id: aliceWallet,
    });
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'validation_failed', status: 400 });
    expect(JSON.stringify(res.body.errors![0]!.extensions.details)).toContain('input.label');
    const ok = await gql(
      http.baseUrl,
      alice.accessToken,
      `mutation($id: ID!) { updateWallet(id: $id, input: { label: "savings", metadata: { tier: "gold" } }) { label metadata } }`,
      { id: aliceWallet },
    );
    expect(ok.body.data!.updateWallet).toEqual({ label: 'savings', metadata: { tier: 'gold' } });
  });

  it('when an owner manages agents, then create, update, suspend and the agents query with policies and wallets work', async () => {
    const created = await gql(
      http.baseUrl,
      alice.accessToken,
      `mutation($input: CreateAgentInput!) { createAgent(input: $input) { agent { id status policy { maxPerTransaction allowedCurrencies } } credentials { clientId clientSecret } } }`,
      { input: { name: 'shopper', walletId: aliceWallet, policy: { maxPerTransaction: '500', allowedCurrencies: ['USD'] } } },
    );
    expect(created.body.errors).toBeUndefined();
    const { agent, credentials } = created.body.data!.createAgent;
    expect(agent.policy).toEqual({ maxPerTransaction: '500', allowedCurrencies: ['USD'] });
    expect(credentials.clientSecret).toEqual(expect.any(String));
    const renamed = await gql(
      http.baseUrl,
      alice.accessToken,
      `mutation($id: ID!) { updateAgent(id: $id, input: { name: "buyer" }) { name } }`,
      { id: agent.id },
    );
    expect(renamed.body.data!.updateAgent.name).toBe('buyer');
    const suspended = await gql(http.baseUrl, alice.accessToken, `mutation($id: ID!) { suspendAgent(id: $id) { status } }`, {
      id: agent.id,
    });
    expect(suspended.body.data!.suspendAgent.status).toBe('suspended');
    const list = await gql(
      http.baseUrl,
      alice.accessToken,
      `{ agents { edges { node { id name status wallet { id balance } policy { maxPerTransaction } } } } }`,
    );
    expect(list.body.data!.agents.edges).toEqual([
      {
        node: {
          id: agent.id,
          name: 'buyer',
          status: 'suspended',
          wallet: { id: aliceWallet, balance: '9650' },
          policy: { maxPerTransaction: '500' },
        },
      },
    ]);
    const foreign = await gql(http.baseUrl, bob.accessToken, `mutation($id: ID!) { suspendAgent(id: $id) { status } }`, { id: agent.id });
    expect(foreign.body.errors![0]!.extensions.status).toBe(404);
  });

  it('when webhooks are asked for, then the caller gets its endpoints', async () => {
    const created = await t
      .http()
      .post('/api/v1/webhooks')
      .set(bob.auth)
      .send({ url: 'https://example.com/hook', events: ['*'] });
    expect(created.status).toBe(201);
    const res = await gql(http.baseUrl, bob.accessToken, '{ webhooks { id url events } }');
    expect(res.body.data!.webhooks).toEqual([{ id: created.body.id, url: 'https://example.com/hook', events: ['*'] }]);
  });

  it('when the token is missing, bad or revoked, then 401 with a GraphQL error, as REST', async () => {
    const none = await gql(http.baseUrl, null, '{ webhooks { id } }');
    expect(none).toEqual({
      status: 401,
      body: { errors: [{ message: 'Authentication required', extensions: { code: 'unauthorized', status: 401 } }] },
    });
    const bad = await gql(http.baseUrl, 'not.a.token', '{ webhooks { id } }');
    expect(bad.status).toBe(401);
    expect(bad.body.errors![0]!.extensions.code).toBe('invalid_token');
    const carol = await registerUser(t);
    expect((await t.http().post('/api/v1/auth/logout').set(carol.auth).send({})).status).toBe(204);
    const revoked = await gql(http.baseUrl, carol.accessToken, '{ webhooks { id } }');
    expect(revoked.status).toBe(401);
  });

  it("when an agent's token asks for what its permissions do not cover, then forbidden, as REST", async () => {
    const agent = await registerAgent(t, { funds: 0 });
    const res = await gql(http.baseUrl, agent.auth.Authorization.slice('Bearer '.length), '{ webhooks { id } }');
    expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'forbidden', status: 403 });
  });

  it('when the document is bad, too deep or too costly, then 400 with graphql_invalid or graphql_too_complex, never a 500', async () => {
    const syntax = await gql(http.baseUrl, alice.accessToken, '{ wallets { ');
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors![0]!.extensions).toEqual({ code: 'graphql_invalid', status: 400 });
    const unknown = await gql(http.baseUrl, alice.accessToken, '{ nope }');
    expect([unknown.status, unknown.body.errors![0]!.extensions.code]).toEqual([400, 'graphql_invalid']);
    const badVariable = await gql(http.baseUrl, alice.accessToken, 'query($n: Int) { wallets(first: $n) { edges { cursor } } }', {
      n: 2 ** 40,
    });
    expect([badVariable.status, badVariable.body.errors![0]!.extensions.code]).toEqual([400, 'graphql_invalid']);
    const tooBigPage = await gql(http.baseUrl, alice.accessToken, '{ wallets(first: 1000) { edges { cursor } } }');
    expect(tooBigPage.body.errors![0]!.extensions.code).toBe('validation_failed');
    const nested = `{ wallets(first: 100) { edges { node { transactions(first: 100) { edges { node { id } } } } } } }`;
    const costly = await gql(http.baseUrl, alice.accessToken, `{ a: ${nested.slice(2, -2)} b: ${nested.slice(2, -2)} }`);
    expect([costly.status, costly.body.errors![0]!.extensions.code]).toEqual([400, 'graphql_too_complex']);
    const deep = await gql(
      http.baseUrl,
      alice.accessToken,
      `query { __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }`,
    );
    expect([deep.status, deep.body.errors![0]!.extensions.code]).toEqual([400, 'graphql_too_complex']);
    const notJson = await fetch(`${http.baseUrl}/api/v1/graphql`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${alice.accessToken}`, 'Content-Type': 'text/plain' },
      body: '{ wallets { edges { cursor } } }',
    });
    expect(notJson.status).toBe(400);
    const nul = await gql(http.baseUrl, alice.accessToken, 'query($id: ID!) { wallet(id: $id) { id } }', { id: 'a\u0000b' });
    expect([nul.status, nul.body.errors![0]!.extensions.code]).toEqual([400, 'validation_failed']);
    const subscription = await gql(http.baseUrl, alice.accessToken, 'subscription { agentDecisions { type } }');
    expect(subscription.status).toBe(400);
  });
});

describe('GraphQL and the rate limits', () => {
  it("when a caller goes over the per-user limit, then GraphQL answers REST's 429 rate_limited with Retry-After, as a GraphQL error", async () => {
    const t = await startTestApp({ RATE_LIMIT_USER_MAX: '3' });
    try {
      const user = await registerUser(t);
      const statuses: number[] = [];
      let last: Awaited<ReturnType<ReturnType<TestApp['http']>['post']>> | undefined;
      for (let i = 0; i < 5; i += 1) {
        last = await t.http().post('/api/v1/graphql').set(user.auth).send({ query: '{ webhooks { id } }' });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(last!.headers['retry-after']).toEqual(expect.any(String));
      expect(last!.body.errors[0].extensions).toMatchObject({ code: 'rate_limited', status: 429 });
    } finally {
      await t.close();
    }
  });
});

describe('GraphQL in production', () => {
  it('when NODE_ENV=production and GRAPHQL_INTROSPECTION is unset, then introspection is refused (400) and queries run', async () => {
    const t = await startTestApp({
      NODE_ENV: 'production',
      JWT_SECRET: randomBytes(32).toString('hex'),
      ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      PUBLIC_BASE_URL: 'https://pay.example.com',
    });
    try {
      const user = await registerUser(t);
      const res = await t.http().post('/api/v1/graphql').set(user.auth).send({ query: '{ __schema { queryType { name } } }' });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('graphql_invalid');
      const ok = await t.http().post('/api/v1/graphql').set(user.auth).send({ query: '{ wallets { edges { cursor } } }' });
      expect(ok.status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
