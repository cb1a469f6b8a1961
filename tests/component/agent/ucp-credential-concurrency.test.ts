import { registerAgent } from '../../support/agents';
import { balanceOf, ledgerInvariants } from '../../support/ledger';
import { createMerchant, merchantClientAuth } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { issueCredential, redeemCredential, redemptionOf } from '../../support/ucp-credentials';

describe('UCP payment credentials under concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when 10 redemptions of one credential race, then exactly one pays, with one transfer, and nine are credential_already_redeemed', async () => {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    const client = await merchantClientAuth(t, owner, merchant.id);
    const agent = await registerAgent(t, { funds: 100_000 });
    const issued = await issueCredential(t, agent, merchant.id, { amount: '5400' });
    expect(issued.status).toBe(201);

    const responses = await Promise.all(Array.from({ length: 10 }, () => redeemCredential(t, client.auth, redemptionOf(issued.body))));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(9).fill(409)]);
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.error.code === 'credential_already_redeemed')).toBe(true);

    expect(await balanceOf(t, merchant.walletId)).toBe(5_400n);
    expect(await balanceOf(t, agent.walletId)).toBe(100_000n - 5_400n);
    const payments = await t.container.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM agent_payments WHERE agent_id = $1 AND status = 'completed'",
      [agent.id],
    );
    expect(payments.rows[0]!.n).toBe(1);
    const transfers = await t.container.db.query<{ n: number }>(
      `SELECT count(DISTINCT transfer_id)::int AS n FROM transactions WHERE wallet_id = $1`,
      [merchant.walletId],
    );
    expect(transfers.rows[0]!.n).toBe(1);
    const counters = await t.container.db.query<{ spent: bigint }>('SELECT spent FROM agent_spend_counters WHERE agent_id = $1', [
      agent.id,
    ]);
    expect(counters.rows.map((r) => BigInt(r.spent))).toEqual([5_400n, 5_400n]);
    expect(await ledgerInvariants(t)).toMatchObject({ unbalancedTransfers: 0, walletsWhoseBalanceDisagreesWithEntries: 0 });
  });
});
