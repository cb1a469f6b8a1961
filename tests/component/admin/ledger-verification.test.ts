import { createOperator } from '../../support/admin';
import { createLedgerActivity } from '../../support/activity';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('GET /api/v1/admin/ledger/verification', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await createLedgerActivity(t);
  });
  afterAll(() => t.close());

  const verification = (auth: Record<string, string>) => t.http().get('/api/v1/admin/ledger/verification').set(auth);

  it('when an auditor asks on a healthy ledger, then every check passes and the totals are zero', async () => {
    const auditor = await createOperator(t, 'auditor');
    const res = await verification(auditor.auth);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.checks.map((c: { name: string }) => c.name).sort()).toEqual([
      'balances_match_entries',
      'captured_holds_match_transfers',
      'held_matches_pending_holds',
      'held_within_balance',
      'no_negative_user_balance',
      'refunds_within_original',
      'transfers_balanced',
    ]);
    expect(res.body.checks.every((c: { violations: number; examples: string[] }) => c.violations === 0 && c.examples.length === 0)).toBe(
      true,
    );
    expect(res.body.totalsByCurrency).toEqual({ JPY: '0', USD: '0' });
    expect(res.body.counts.transfers).toBeGreaterThan(0);
  });

  it('when a balance is changed without entries, then the report is not ok and names the wallet', async () => {
    const admin = await createOperator(t, 'admin');
    const { rows } = await t.container.db.query<{ id: string }>("SELECT id FROM wallets WHERE kind = 'user' ORDER BY id LIMIT 1");
    const walletId = rows[0]!.id;
    await t.container.db.query('UPDATE wallets SET balance = balance + 1 WHERE id = $1', [walletId]);
    try {
      const res = await verification(admin.auth);
      expect(res.status).toBe(200);
      expect(res.body.ok).toBe(false);
      expect(res.body.checks).toContainEqual(
        expect.objectContaining({ name: 'balances_match_entries', violations: 1, examples: [walletId] }),
      );
    } finally {
      await t.container.db.query('UPDATE wallets SET balance = balance - 1 WHERE id = $1', [walletId]);
    }
  });

  it.each(['support', 'finance'] as const)('when %s asks, then 403 and nothing is reported', async (role) => {
    const operator = await createOperator(t, role);
    const res = await verification(operator.auth);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(res.body.checks).toBeUndefined();
  });
});
