import { newId } from '../../../src/infra/crypto/ids';
import { createLogger } from '../../../src/infra/logger';
import { LEDGER_CHECK_NAMES } from '../../../src/modules/ledger';
import { LEDGER_BROKEN_EXIT_CODE, reportLedger } from '../../../src/scripts/verify-ledger';
import { createLedgerActivity } from '../../support/activity';
import { ledgerInvariants } from '../../support/ledger';
import { CapturedLogs, startTestApp, type TestApp } from '../../support/test-app';
import { inSystemScope } from '../../../src/infra/tenant-scope';

describe('npm run verify-ledger (the ledger verifier)', () => {
  let t: TestApp;
  let activity: Awaited<ReturnType<typeof createLedgerActivity>>;
  beforeAll(async () => {
    t = await startTestApp();
    activity = await createLedgerActivity(t);
  });
  afterAll(() => t.close());

  async function verify() {
    const logs = new CapturedLogs();
    const code = await reportLedger(t.container.db, createLogger('info', [logs]));
    return { code, logs: logs.entries };
  }

  it('when the ledger holds transfers and a refund, then every check passes and it exits 0', async () => {
    const { code, logs } = await verify();
    expect(code).toBe(0);
    expect(logs.filter((l) => l.level === 'info' && /^check .*: passed$/.test(String(l.message)))).toHaveLength(LEDGER_CHECK_NAMES.length);
    expect(logs).toContainEqual(
      expect.objectContaining({ message: 'ledger verified: every invariant holds', failed: [], totalsByCurrency: { JPY: '0', USD: '0' } }),
    );
  });

  // Each tampering below breaks exactly one invariant; they run in order on the same ledger.
  it('when a wallet balance is changed without entries, then balances_match_entries fails naming the wallet', async () => {
    const walletId = activity.walletIds[1]!;
    await t.container.db.query('UPDATE wallets SET balance = balance + 1 WHERE id = $1', [walletId]);
    const { code, logs } = await verify();
    expect(code).toBe(LEDGER_BROKEN_EXIT_CODE);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', name: 'balances_match_entries', violations: 1, examples: [walletId] }),
    );
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', message: 'ledger verification failed: balances_match_entries' }));
    await t.container.db.query('UPDATE wallets SET balance = balance - 1 WHERE id = $1', [walletId]);
    expect((await verify()).code).toBe(0);
  });

  it('when a transfer has a single entry, then transfers_balanced fails naming the transfer', async () => {
    const [from, to] = activity.walletIds as [string, string];
    const transferId = newId('trf');
    await t.container.db.query(
      `INSERT INTO transfers (id, type, status, amount, currency, from_wallet_id, to_wallet_id, initiated_by)
       VALUES ($1, 'transfer', 'completed', 5, 'USD', $2, $3, 'test')`,
      [transferId, from, to],
    );
    await t.container.db.query(
      `INSERT INTO transactions (id, transfer_id, wallet_id, amount, balance_after, currency, counterparty_wallet_id)
       VALUES ($1, $2, $3, 5, 0, 'USD', $4)`,
      [newId('txn'), transferId, to, from],
    );
    await t.container.db.query('UPDATE wallets SET balance = balance + 5 WHERE id = $1', [to]);
    expect(await ledgerInvariants(t)).toMatchObject({
      unbalancedTransfers: 1,
      walletsWhoseBalanceDisagreesWithEntries: 0,
      totalBalance: 5n,
    });
    const { code, logs } = await verify();
    expect(code).toBe(LEDGER_BROKEN_EXIT_CODE);
    expect(logs).toContainEqual(expect.objectContaining({ name: 'transfers_balanced', violations: 1, examples: [transferId] }));
  });

  it('when a transfer says more was refunded than its refunds add up to, then refunds_within_original fails', async () => {
    await t.container.db.query('UPDATE transfers SET refunded_amount = amount WHERE id = $1', [activity.refundedTransferId]);
    const { logs } = await verify();
    expect(logs).toContainEqual(
      expect.objectContaining({ name: 'refunds_within_original', violations: 1, examples: [activity.refundedTransferId] }),
    );
  });

  it('when a user wallet is negative (its constraint dropped), then no_negative_user_balance fails', async () => {
    const walletId = activity.walletIds[3]!;
    await inSystemScope(() => t.container.db.query('ALTER TABLE wallets DROP CONSTRAINT wallets_user_balance_non_negative'));
    await t.container.db.query('UPDATE wallets SET balance = -1 WHERE id = $1', [walletId]);
    const { logs } = await verify();
    expect(logs).toContainEqual(expect.objectContaining({ name: 'no_negative_user_balance', violations: 1, examples: [walletId] }));
    const summary = logs.find((l) => String(l.message).startsWith('ledger verification failed'));
    expect(summary?.failed).toEqual([
      'transfers_balanced',
      'balances_match_entries',
      'no_negative_user_balance',
      'refunds_within_original',
    ]);
  });
});
