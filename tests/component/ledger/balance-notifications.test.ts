import { createWallet, fund, transfer } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWebhook, startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';
import { verifyWebhookSignature } from '../../../src/modules/webhook/signature';

describe('balance notifications from the ledger', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await startTestApp();
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  it('when a transfer completes, then each user hears of it, of their new balance, and of crossing below the threshold', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const from = await createWallet(t, alice, 'USD', { lowBalanceThreshold: '500' });
    const to = await createWallet(t, bob);
    await fund(t, from.id, 1_000);
    const aliceHook = await createWebhook(t, alice.auth, receiver.url);
    await createWebhook(t, bob.auth, receiver.url, ['transfer.completed']);

    const posted = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '600' });
    expect(posted.status).toBe(201);
    await t.container.webhooks.worker.runOnce();

    const types = receiver.received.map((r) => `${r.body.type}:${String(r.body.data.walletId ?? r.body.data.transferId)}`);
    expect(types.sort()).toEqual(
      [
        `balance.changed:${from.id}`,
        `balance.low:${from.id}`,
        `transfer.completed:${posted.body.transfer.id}`,
        `transfer.completed:${posted.body.transfer.id}`,
      ].sort(),
    );
    const low = receiver.received.find((r) => r.body.type === 'balance.low')!;
    expect(low.body.data).toMatchObject({ balance: '400', threshold: '500' });
    expect(verifyWebhookSignature(low.headers['ocp-signature'] as string, low.rawBody, aliceHook.secret)).toBe(true);

    // Already below the threshold: a further debit is a balance change, not a new crossing.
    receiver.received.length = 0;
    await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '100' });
    await t.container.webhooks.worker.runOnce();
    expect(receiver.received.filter((r) => r.body.type === 'balance.low')).toHaveLength(0);
  });

  it('when the owner raises the threshold after transfers, then the next crossing uses the new one', async () => {
    const alice = await registerUser(t);
    const from = await createWallet(t, alice, 'USD', { lowBalanceThreshold: '10' });
    const to = await createWallet(t, alice);
    await fund(t, from.id, 1_000);
    await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '100' });
    await t.http().patch(`/api/v1/wallets/${from.id}`).set(alice.auth).send({ lowBalanceThreshold: '850' });
    await createWebhook(t, alice.auth, receiver.url, ['balance.low']);
    receiver.received.length = 0;
    await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '100' });
    await t.container.webhooks.worker.runOnce();
    expect(receiver.received.map((r) => r.body.data)).toEqual([
      expect.objectContaining({ walletId: from.id, balance: '800', threshold: '850' }),
    ]);
  });

  it('when a transfer is refused, then nothing is queued for anyone', async () => {
    const alice = await registerUser(t);
    const from = await createWallet(t, alice);
    const to = await createWallet(t, alice);
    await createWebhook(t, alice.auth, receiver.url);
    const before = await t.container.db.query('SELECT count(*)::int AS n FROM webhook_deliveries');
    const res = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '1' });
    expect(res.status).toBe(422);
    const after = await t.container.db.query('SELECT count(*)::int AS n FROM webhook_deliveries');
    expect(after.rows).toEqual(before.rows);
  });
});
