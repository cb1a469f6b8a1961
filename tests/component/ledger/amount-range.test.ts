import { randomUUID } from 'node:crypto';
import { AMOUNT_MAX_MINOR, BALANCE_SOFT_MAX_MINOR, BIGINT_MAX } from '../../../src/shared/money/money';
import { balanceOf, createWallet, fund, transfer, type TestUser } from '../../support/ledger';
import { chargesOf, createCardToken, fundWithCard, sandbox } from '../../support/payments';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';

/**
 * Amounts past the per-operation maximum are refused at the edge, and a posting that would take any
 * balance (a user wallet or a system sub-account) outside the BIGINT range is refused with 422
 * amount_out_of_range, before a card is charged and without writing anything.
 *
 * Balances near the limits are set straight in the database: reaching 2^62 through the API would
 * take thousands of postings of the largest amount. Each case uses its own currency, so the system
 * accounts it pushes to the edge are its own.
 */
describe('amounts and balances stay in range', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const setBalance = (walletId: string, balance: bigint) =>
    t.container.db.query('UPDATE wallets SET balance = $2 WHERE id = $1', [walletId, balance]);
  const countTransfers = async () => (await t.container.db.query<{ n: number }>('SELECT count(*)::int AS n FROM transfers')).rows[0]!.n;
  const adjust = async (walletId: string, amount: string) =>
    t
      .http()
      .post(`/api/v1/admin/wallets/${walletId}/adjustments`)
      .set((await loginAdmin(t)).auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amount, reason: 'range test' });

  async function walletWithCard(currency = 'USD') {
    const user = await registerUser(t);
    const wallet = await createWallet(t, user, currency);
    const token = await createCardToken(t, user.auth);
    return { user, wallet, token };
  }

  it('when a funding asks for more than the maximum per operation, then 400 naming amount and no card is charged', async () => {
    const { user, wallet, token } = await walletWithCard();
    const charged = sandbox(t).chargesMade;
    const res = await fundWithCard(t, user.auth, wallet.id, { tokenId: token.id, amount: (AMOUNT_MAX_MINOR + 1n).toString() });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toEqual([expect.objectContaining({ field: 'body.amount' })]);
    expect(sandbox(t).chargesMade).toBe(charged);
    expect(await chargesOf(t, wallet.id)).toEqual([]);
  });

  it('when a funding of the maximum would take the wallet past its balance limit, then 422 amount_out_of_range and the card is not charged', async () => {
    const { user, wallet, token } = await walletWithCard('EUR');
    await setBalance(wallet.id, BALANCE_SOFT_MAX_MINOR - AMOUNT_MAX_MINOR + 1n);
    const charged = sandbox(t).chargesMade;
    const res = await fundWithCard(t, user.auth, wallet.id, { tokenId: token.id, amount: AMOUNT_MAX_MINOR.toString() });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('amount_out_of_range');
    expect(sandbox(t).chargesMade).toBe(charged);
    expect(await chargesOf(t, wallet.id)).toEqual([expect.objectContaining({ status: 'failed', failure_code: 'amount_out_of_range' })]);
    expect(await balanceOf(t, wallet.id)).toBe(BALANCE_SOFT_MAX_MINOR - AMOUNT_MAX_MINOR + 1n);
    // One less fits exactly.
    const fits = await fundWithCard(t, user.auth, wallet.id, { tokenId: token.id, amount: (AMOUNT_MAX_MINOR - 1n).toString() });
    expect(fits.status).toBe(201);
    expect(await balanceOf(t, wallet.id)).toBe(BALANCE_SOFT_MAX_MINOR);
  });

  it('when the funding system account is near its limit, then a funding is refused before the charge', async () => {
    const { user, wallet, token } = await walletWithCard('GBP');
    await fund(t, wallet.id, '1'); // any posting, so the GBP system accounts exist
    await fundWithCard(t, user.auth, wallet.id, { tokenId: token.id, amount: '1' });
    await t.container.db.query("UPDATE wallets SET balance = $1 WHERE id = 'sys_funding_GBP_3'", [-BALANCE_SOFT_MAX_MINOR + 10n]);
    const charged = sandbox(t).chargesMade;
    const res = await fundWithCard(t, user.auth, wallet.id, { tokenId: token.id, amount: '11' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('amount_out_of_range');
    expect(sandbox(t).chargesMade).toBe(charged);
  });

  it('when a transfer would push the destination past 2^63 - 1, then 422 amount_out_of_range and nothing is written', async () => {
    const alice = await registerUser(t);
    const bob: TestUser = await registerUser(t);
    const from = await createWallet(t, alice, 'CHF');
    const to = await createWallet(t, bob, 'CHF');
    await fund(t, from.id, '1000');
    await setBalance(to.id, BIGINT_MAX - 5n);
    const before = await countTransfers();
    const res = await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '10' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('amount_out_of_range');
    expect(await balanceOf(t, from.id)).toBe(1000n);
    expect(await balanceOf(t, to.id)).toBe(BIGINT_MAX - 5n);
    expect(await countTransfers()).toBe(before);
    expect((await transfer(t, alice, { fromWalletId: from.id, toWalletId: to.id, amount: '5' })).status).toBe(201);
    expect(await balanceOf(t, to.id)).toBe(BIGINT_MAX);
  });

  it('when an adjustment would push a full wallet, or a system account, out of range, then 422 amount_out_of_range', async () => {
    const user = await registerUser(t);
    const wallet = await createWallet(t, user, 'SEK');
    await fund(t, wallet.id, '1');
    await setBalance(wallet.id, BIGINT_MAX);
    const credit = await adjust(wallet.id, '1');
    expect(credit.status).toBe(422);
    expect(credit.body.error.code).toBe('amount_out_of_range');
    expect(await balanceOf(t, wallet.id)).toBe(BIGINT_MAX);

    // Every adjustments shard of SEK at the bottom of the range: a credit would wrap it.
    await setBalance(wallet.id, 0n);
    await t.container.db.query("UPDATE wallets SET balance = $1 WHERE id LIKE 'sys_adjustments_SEK_%'", [-BIGINT_MAX]);
    const wrap = await adjust(wallet.id, '1');
    expect(wrap.status).toBe(422);
    expect(wrap.body.error.code).toBe('amount_out_of_range');
    expect(await balanceOf(t, wallet.id)).toBe(0n);
  });
});
