import { SqlLedgerVerifier } from '../../../src/modules/ledger/adapters/sql-ledger-verifier';
import { captureHold, createHold, payerAndPayee } from '../../support/holds';
import { startTestApp, type TestApp } from '../../support/test-app';
import { inSystemScope } from '../../../src/infra/tenant-scope';

describe('verify-ledger: the hold checks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function failing() {
    const report = await new SqlLedgerVerifier(t.container.db).verify();
    return report.checks.filter((c) => c.violations > 0).map((c) => ({ name: c.name, examples: c.examples }));
  }

  it("when a wallet's held disagrees with its pending holds, then held_matches_pending_holds names the wallet", async () => {
    const { payer, from, to } = await payerAndPayee(t);
    await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '300' });
    expect(await failing()).toEqual([]);
    await t.container.db.query('UPDATE wallets SET held = 200 WHERE id = $1', [from.id]);
    expect(await failing()).toEqual([{ name: 'held_matches_pending_holds', examples: [from.id] }]);
    await t.container.db.query('UPDATE wallets SET held = 300 WHERE id = $1', [from.id]);
  });

  it('when a user wallet holds more than its balance (its constraint dropped), then held_within_balance names it', async () => {
    const { payer, from, to } = await payerAndPayee(t, 500);
    await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '500' });
    await inSystemScope(() => t.container.db.query('ALTER TABLE wallets DROP CONSTRAINT wallets_held_within_balance'));
    // Balance and entries still agree: only the held amount is out of line.
    await t.container.db.query(`UPDATE holds SET amount = 600 WHERE from_wallet_id = $1`, [from.id]);
    await t.container.db.query('UPDATE wallets SET held = 600 WHERE id = $1', [from.id]);
    expect(await failing()).toEqual([{ name: 'held_within_balance', examples: [from.id] }]);
  });

  it('when a captured hold loses its transfer or its amount is edited, then captured_holds_match_transfers names the hold', async () => {
    const { payer, from, to } = await payerAndPayee(t);
    const hold = (await createHold(t, payer.auth, { fromWalletId: from.id, toWalletId: to.id, amount: '100' })).body;
    await captureHold(t, payer.auth, hold.id, { amount: '60' });
    await t.container.db.query('UPDATE holds SET captured_amount = 70 WHERE id = $1', [hold.id]);
    expect((await failing()).filter((c) => c.name === 'captured_holds_match_transfers')).toEqual([
      { name: 'captured_holds_match_transfers', examples: [hold.id] },
    ]);
    await t.container.db.query('UPDATE holds SET captured_amount = 60, capture_transfer_id = NULL WHERE id = $1', [hold.id]);
    expect((await failing()).filter((c) => c.name === 'captured_holds_match_transfers')).toEqual([
      { name: 'captured_holds_match_transfers', examples: [hold.id] },
    ]);
  });
});
