/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL answers are read as untyped JSON */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { registerAgent } from '../../support/agents';
import { createWallet, fund, transfer } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/**
 * No N+1: a nested query costs the same number of SQL statements for 2 wallets (or agents) as for
 * 10, because each request's DataLoaders read the children of a whole list at once.
 */
describe('GraphQL batching (per-request DataLoaders)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** Statements the database ran while answering `query` for `token`. */
  async function statementsFor(token: string, query: string): Promise<{ count: number; body: any }> {
    const spy = jest.spyOn(t.container.db, 'query');
    try {
      const res = await t.http().post('/api/v1/graphql').set('Authorization', `Bearer ${token}`).send({ query });
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      return { count: spy.mock.calls.length, body: res.body };
    } finally {
      spy.mockRestore();
    }
  }

  async function userWithWallets(n: number) {
    const user = await registerUser(t);
    const sink = (await createWallet(t, user)).id;
    for (let i = 0; i < n - 1; i += 1) {
      const id = (await createWallet(t, user)).id;
      await fund(t, id, 100);
      await transfer(t, user, { fromWalletId: id, toWalletId: sink, amount: '10' });
    }
    return user;
  }

  it('when wallets { transactions(first: 5) } is asked over 2 and over 10 wallets, then the statement count is the same', async () => {
    const query = `{ wallets(first: 20) { edges { node { id balance transactions(first: 5) { edges { node { id amount direction } } pageInfo { hasNextPage } } } } } }`;
    const few = await statementsFor((await userWithWallets(2)).accessToken, query);
    const many = await statementsFor((await userWithWallets(10)).accessToken, query);
    expect(many.body.data.wallets.edges).toHaveLength(10);
    // Every funded wallet shows its funding and its transfer; the sink shows the 9 transfers in, 5 at a time.
    const counts = many.body.data.wallets.edges.map((e: any) => e.node.transactions.edges.length).sort();
    expect(counts).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 5]);
    expect(many.count).toBe(few.count);
  });

  it("when agents { wallet } is asked over 1 and over 6 agents, then the agents' wallets are one read", async () => {
    const query = '{ agents(first: 50) { edges { node { id policy { allowedCurrencies } wallet { id balance } } } } }';
    const owner1 = await registerUser(t);
    await registerAgent(t, { owner: owner1 });
    const owner6 = await registerUser(t);
    for (let i = 0; i < 6; i += 1) await registerAgent(t, { owner: owner6 });
    const few = await statementsFor(owner1.accessToken, query);
    const many = await statementsFor(owner6.accessToken, query);
    expect(many.body.data.agents.edges).toHaveLength(6);
    expect(many.body.data.agents.edges.every((e: any) => typeof e.node.wallet.id === 'string')).toBe(true);
    expect(many.count).toBe(few.count);
  });
});
