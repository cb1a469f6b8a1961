import { randomUUID } from 'node:crypto';
import { balanceOf, createWallet, ledgerInvariants } from '../../support/ledger';
import { cardData, chargesOf, createCardToken, fundWithCard, sandbox, serviceAuth, TEST_CARDS } from '../../support/payments';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('POST /api/v1/wallets/:id/fund (sandbox processor)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function setup(number: string = TEST_CARDS.approved) {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    const token = await createCardToken(t, alice.auth, number);
    return { alice, wallet, token };
  }

  it('when an approved card funds a wallet, then the balance rises by exactly the amount, with one card_funding transfer', async () => {
    const { alice, wallet, token } = await setup();
    const res = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '2500' });
    expect(res.status).toBe(201);
    expect(res.body.charge).toMatchObject({ tokenId: token.id, amount: '2500', currency: 'USD' });
    expect(res.body.transfer).toMatchObject({ type: 'card_funding', amount: '2500', toWalletId: wallet.id });
    expect(res.body.credit).toMatchObject({ walletId: wallet.id, balanceAfter: '2500', direction: 'credit' });
    expect(await balanceOf(t, wallet.id)).toBe(2500n);
    expect(await chargesOf(t, wallet.id)).toEqual([
      { id: res.body.charge.id, status: 'credited', failure_code: null, transfer_id: res.body.transfer.id },
    ]);
    const history = await t.http().get(`/api/v1/wallets/${wallet.id}/transactions`).set(alice.auth);
    expect(history.body.data).toHaveLength(1);
    expect(await ledgerInvariants(t)).toMatchObject({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });

  it.each([
    [TEST_CARDS.declined, 'card_declined', 'generic_decline'],
    [TEST_CARDS.insufficientFunds, 'card_declined', 'insufficient_funds'],
    [TEST_CARDS.processorError, 'processing_error', undefined],
  ])(
    'when card %s is charged, then 422 %s, the balance is unchanged and the charge is recorded as failed',
    async (number, code, declineCode) => {
      const { alice, wallet, token } = await setup(number);
      const res = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '2500' });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe(code);
      if (declineCode) expect(res.body.error.details.declineCode).toBe(declineCode);
      expect(res.text).not.toContain(number);
      expect(await balanceOf(t, wallet.id)).toBe(0n);
      const [charge] = await chargesOf(t, wallet.id);
      expect(charge).toMatchObject({ status: 'failed', failure_code: declineCode ? `${code}:${declineCode}` : code, transfer_id: null });
    },
  );

  it('when the same key comes again, then the first reply is replayed and the card is charged once', async () => {
    const { alice, wallet, token } = await setup();
    const key = randomUUID();
    const before = sandbox(t).chargesMade;
    const first = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '700' }, key);
    const again = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '700' }, key);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    expect(sandbox(t).chargesMade - before).toBe(1);
    expect(await balanceOf(t, wallet.id)).toBe(700n);
  });

  it('when 30 requests share one key at once, then one charge and one credit; the rest replay or get 409', async () => {
    const { alice, wallet, token } = await setup();
    const key = randomUUID();
    const before = sandbox(t).chargesMade;
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '300' }, key)),
    );
    for (const r of responses) expect([201, 409]).toContain(r.status);
    expect(new Set(responses.filter((r) => r.status === 201).map((r) => r.body.charge.id)).size).toBe(1);
    expect(sandbox(t).chargesMade - before).toBe(1);
    expect(await balanceOf(t, wallet.id)).toBe(300n);
    expect(await chargesOf(t, wallet.id)).toHaveLength(1);
  });

  it('when 40 fundings with different keys run at once, then every one is charged and credited exactly once', async () => {
    const { alice, wallet, token } = await setup();
    const before = sandbox(t).chargesMade;
    const responses = await Promise.all(
      Array.from({ length: 40 }, () => fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '125' })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(201));
    expect(sandbox(t).chargesMade - before).toBe(40);
    expect(await balanceOf(t, wallet.id)).toBe(5000n);
    expect((await chargesOf(t, wallet.id)).every((c) => c.status === 'credited')).toBe(true);
    expect(await ledgerInvariants(t)).toMatchObject({
      totalBalance: 0n,
      unbalancedTransfers: 0,
      walletsWhoseBalanceDisagreesWithEntries: 0,
    });
  });

  it('when a key is reused after a decline for another amount, then idempotency_conflict and no new charge', async () => {
    const { alice, wallet } = await setup();
    const declined = await createCardToken(t, alice.auth, TEST_CARDS.declined);
    const key = randomUUID();
    expect((await fundWithCard(t, alice.auth, wallet.id, { tokenId: declined.id, amount: '100' }, key)).status).toBe(422);
    const other = await fundWithCard(t, alice.auth, wallet.id, { tokenId: declined.id, amount: '200' }, key);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_conflict');
    expect(await chargesOf(t, wallet.id)).toHaveLength(1);
  });

  it("when someone else's token or wallet is used, then 404 and nothing is charged", async () => {
    const { wallet, token } = await setup();
    const bob = await registerUser(t);
    const bobWallet = await createWallet(t, bob);
    const before = sandbox(t).chargesMade;
    const theirToken = await fundWithCard(t, bob.auth, bobWallet.id, { tokenId: token.id, amount: '100' });
    expect(theirToken.status).toBe(404);
    expect(theirToken.body.error.code).toBe('token_not_found');
    const theirWallet = await fundWithCard(t, bob.auth, wallet.id, { tokenId: token.id, amount: '100' });
    expect(theirWallet.status).toBe(404);
    expect(theirWallet.body.error.code).toBe('wallet_not_found');
    expect(sandbox(t).chargesMade).toBe(before);
    expect(await balanceOf(t, wallet.id)).toBe(0n);
  });

  it("when a service with wallet:fund charges the owner's token, then the wallet is funded; without the permission, 403", async () => {
    const { wallet, token } = await setup();
    const service = await serviceAuth(t, ['wallet:fund']);
    const res = await fundWithCard(t, service.auth, wallet.id, { tokenId: token.id, amount: '900' });
    expect(res.status).toBe(201);
    expect(await balanceOf(t, wallet.id)).toBe(900n);
    const reader = await serviceAuth(t, ['wallet:read']);
    expect((await fundWithCard(t, reader.auth, wallet.id, { tokenId: token.id, amount: '900' })).status).toBe(403);
  });

  it('when the wallet is frozen, then 409 wallet_not_active before any charge', async () => {
    const { alice, wallet, token } = await setup();
    await t.http().patch(`/api/v1/wallets/${wallet.id}`).set(alice.auth).send({ status: 'frozen' });
    const before = sandbox(t).chargesMade;
    const res = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '100' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('wallet_not_active');
    expect(sandbox(t).chargesMade).toBe(before);
  });

  it('when the token was deleted, then 404 token_not_found', async () => {
    const { alice, wallet, token } = await setup();
    await t.http().delete(`/api/v1/tokens/${token.id}`).set(alice.auth);
    expect((await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '100' })).status).toBe(404);
  });

  it.each([
    ['a zero amount', { amount: '0' }],
    ['a negative amount', { amount: '-5' }],
    ['a decimal amount', { amount: '10.50' }],
    ['no token id', { tokenId: undefined }],
    ['card data instead of a token', { card: cardData() }],
  ])('when the body has %s, then 400 and nothing is charged', async (_name, change) => {
    const { alice, wallet, token } = await setup();
    const before = sandbox(t).chargesMade;
    const res = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '100', ...change });
    expect(res.status).toBe(400);
    expect(sandbox(t).chargesMade).toBe(before);
    expect(res.text).not.toContain(TEST_CARDS.approved);
  });

  it('when the Idempotency-Key header is missing, then 400', async () => {
    const { alice, wallet, token } = await setup();
    const res = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '100' }, null);
    expect(res.status).toBe(400);
  });
});

describe('card funding rate limit', () => {
  it('when the payment limit is 3 per window (tokenizing counts), then the fourth payment request gets 429 and is not charged', async () => {
    const t = await startTestApp({ RATE_LIMIT_PAYMENT_MAX: '3' });
    try {
      const alice = await registerUser(t);
      const wallet = await createWallet(t, alice);
      const token = await createCardToken(t, alice.auth);
      expect((await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '100' })).status).toBe(201);
      expect((await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '100' })).status).toBe(201);
      const limited = await fundWithCard(t, alice.auth, wallet.id, { tokenId: token.id, amount: '100' });
      expect(limited.status).toBe(429);
      expect(await balanceOf(t, wallet.id)).toBe(200n);
    } finally {
      await t.close();
    }
  });
});
