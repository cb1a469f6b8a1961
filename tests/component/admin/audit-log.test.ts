import { randomUUID } from 'node:crypto';
import { createWallet, fund, transfer } from '../../support/ledger';
import { auditRows, createOperator } from '../../support/admin';
import { loginAdmin, registerUser, startTestApp, uniqueEmail, type TestApp } from '../../support/test-app';

describe('the admin audit log', () => {
  let t: TestApp;
  let admin: { auth: Record<string, string> };
  let adminId: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
    adminId = (await t.container.db.query<{ id: string }>("SELECT id FROM users WHERE role = 'admin' LIMIT 1")).rows[0]!.id;
  });
  afterAll(() => t.close());

  const post = (path: string, body?: object, headers: Record<string, string> = {}) =>
    t.http().post(`/api/v1${path}`).set(admin.auth).set(headers).set('X-Request-Id', `req-${randomUUID()}`).send(body);

  async function paidTransaction() {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const a = await createWallet(t, alice);
    const b = await createWallet(t, bob);
    await fund(t, a.id, 1_000);
    return { alice, a, b, posted: (await transfer(t, alice, { fromWalletId: a.id, toWalletId: b.id, amount: '300' })).body };
  }

  it('when each admin action succeeds, then one row says who, role, what, on what, before/after, why, request id, IP and outcome', async () => {
    const { alice, a, posted } = await paidTransaction();
    const operatorEmail = uniqueEmail('op');
    const actions: [string, () => ReturnType<typeof post>, string][] = [
      [
        'admin_user.create',
        () => post('/admin/users', { email: operatorEmail, password: 'operator-password-42', role: 'auditor' }),
        'user',
      ],
      ['wallet.freeze', () => post(`/admin/wallets/${a.id}/freeze`, { reason: 'r1' }), a.id],
      ['wallet.unfreeze', () => post(`/admin/wallets/${a.id}/unfreeze`, { reason: 'r2' }), a.id],
      ['customer.freeze', () => post(`/admin/customers/${alice.id}/freeze`, { reason: 'r3' }), alice.id],
      ['customer.unfreeze', () => post(`/admin/customers/${alice.id}/unfreeze`, { reason: 'r4' }), alice.id],
      ['customer.lock', () => post(`/admin/customers/${alice.id}/lock`, { reason: 'r5' }), alice.id],
      ['customer.unlock', () => post(`/admin/customers/${alice.id}/unlock`, { reason: 'r6' }), alice.id],
      [
        'wallet.adjust',
        () => post(`/admin/wallets/${a.id}/adjustments`, { amount: '50', reason: 'r7' }, { 'Idempotency-Key': randomUUID() }),
        a.id,
      ],
      ['api_client.create', () => post('/admin/api-clients', { name: 'erp', permissions: ['wallet:read'] }), 'user'],
      [
        'refund_request.create',
        () => post('/admin/refunds', { transactionId: posted.debit.id, amount: '100', reason: 'r8' }),
        posted.debit.id,
      ],
    ];
    for (const [action, run, target] of actions) {
      const res = await run();
      expect(res.status).toBeLessThan(300);
      const rows = await auditRows(t, { action });
      const row = rows[rows.length - 1]!;
      expect(row).toMatchObject({ actor_id: adminId, actor_role: 'admin', outcome: 'succeeded', request_id: res.headers['x-request-id'] });
      if (target !== 'user') expect(row.target_id).toBe(target);
      expect(String(row.ip)).toMatch(/127\.0\.0\.1|::1|::ffff/);
      expect(row.created_at).toBeInstanceOf(Date);
    }
    const freeze = (await auditRows(t, { action: 'wallet.freeze', targetId: a.id }))[0]!;
    expect(freeze).toMatchObject({
      reason: 'r1',
      before: { status: 'active', adminHold: false },
      after: { status: 'frozen', adminHold: true },
    });
    const adjust = (await auditRows(t, { action: 'wallet.adjust', targetId: a.id })).pop()!; // the first is the test's funding
    expect(adjust).toMatchObject({ before: { balance: '700' }, after: { balance: '750', amount: '50' } });

    const client = (await auditRows(t, { action: 'api_client.create' }))[0]!;
    expect(JSON.stringify(client)).not.toMatch(/secret/i);
    const revoke = await t
      .http()
      .delete(`/api/v1/admin/api-clients/${String(client.target_id)}`)
      .set(admin.auth);
    expect(revoke.status).toBe(204);
    expect((await auditRows(t, { action: 'api_client.revoke', targetId: String(client.target_id) }))[0]).toMatchObject({
      outcome: 'succeeded',
    });
    const requestId = (await auditRows(t, { action: 'refund_request.create' }))[0]!.after as { refundRequestId: string };
    const approve = await post(`/admin/refunds/${requestId.refundRequestId}/approve`, undefined, { 'Idempotency-Key': randomUUID() });
    expect(approve.status).toBe(200);
    expect((await auditRows(t, { action: 'refund_request.approve' }))[0]).toMatchObject({
      outcome: 'succeeded',
      after: { status: 'approved', refundTransferId: approve.body.refund.transfer.id },
    });
  });

  it('when an action fails validation, then no row is written; when it is refused, then a refused row is', async () => {
    const user = await registerUser(t);
    const wallet = await createWallet(t, user);
    const before = (await auditRows(t)).length;
    expect((await post(`/admin/wallets/${wallet.id}/freeze`, {})).status).toBe(400);
    expect((await post(`/admin/customers/${user.id}/lock`, { reason: '' })).status).toBe(400);
    expect((await post('/admin/users', { email: 'not-an-email', password: 'x', role: 'admin' })).status).toBe(400);
    expect(
      (await post(`/admin/wallets/${wallet.id}/adjustments`, { amount: '0', reason: 'x' }, { 'Idempotency-Key': randomUUID() })).status,
    ).toBe(400);
    expect(await auditRows(t)).toHaveLength(before);

    const debit = await post(
      `/admin/wallets/${wallet.id}/adjustments`,
      { amount: '-5', reason: 'too much' },
      { 'Idempotency-Key': randomUUID() },
    );
    expect(debit.status).toBe(422);
    const rows = await auditRows(t, { action: 'wallet.adjust', targetId: wallet.id });
    expect(rows).toEqual([expect.objectContaining({ outcome: 'refused', error_code: 'insufficient_funds', after: null })]);
  });

  it('when anyone tries to update or delete an audit row, then the database refuses', async () => {
    const user = await registerUser(t);
    await post(`/admin/customers/${user.id}/lock`, { reason: 'x' });
    const [row] = await auditRows(t, { targetId: user.id });
    await expect(t.container.db.query("UPDATE admin_audit_log SET reason = 'edited' WHERE id = $1", [row!.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(t.container.db.query('DELETE FROM admin_audit_log WHERE id = $1', [row!.id])).rejects.toThrow(/append-only/);
    expect((await auditRows(t, { targetId: user.id }))[0]!.reason).toBe('x');
  });

  it('when the log is read with filters and a cursor, then it pages newest first and only the auditor and admin may read it', async () => {
    const auditor = await createOperator(t, 'auditor');
    const support = await createOperator(t, 'support');
    const user = await registerUser(t);
    for (const [verb, reason] of [
      ['lock', 'a'],
      ['unlock', 'b'],
      ['lock', 'c'],
    ]) {
      await t.http().post(`/api/v1/admin/customers/${user.id}/${verb}`).set(support.auth).send({ reason });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await t
        .http()
        .get('/api/v1/admin/audit')
        .query({ targetId: user.id, limit: 2, ...(cursor ? { cursor } : {}) })
        .set(auditor.auth);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((r: { reason: string; actorRole: string }) => `${r.reason}:${r.actorRole}`));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['c:support', 'b:support', 'a:support']);
    const locks = await t.http().get('/api/v1/admin/audit').query({ targetId: user.id, action: 'customer.lock' }).set(auditor.auth);
    expect(locks.body.data).toHaveLength(2);
    expect((await t.http().get('/api/v1/admin/audit').set(support.auth)).status).toBe(403);
  });
});
