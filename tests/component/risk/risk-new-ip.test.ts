import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { a2aTransfer, registerAgent } from '../../support/agents';
import { createWallet, fund, type TestUser } from '../../support/ledger';
import { oneFeatureModel } from '../../support/risk-models';
import { loginAdmin, registerUser, startTestApp, type TestApp } from '../../support/test-app';

// The crafted model: only `new_ip` counts: a known or unknown address 0.007, a new one 0.993. The
// thresholds are off: the test compares the stored scores.
const HOME = '198.51.100.7';
const ELSEWHERE = '203.0.113.9';

describe('risk feature new_ip: a movement from an address the user has not settled on', () => {
  let t: TestApp;
  let dir: string;
  let admin: { Authorization: string };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ocp-risk-ip-'));
    writeFileSync(join(dir, 'risk-1.json'), JSON.stringify(oneFeatureModel('new_ip')));
    // Behind one trusted proxy: Express takes the client from X-Forwarded-For.
    t = await startTestApp({ RISK_MODEL_DIR: dir, TRUST_PROXY: '1' });
    admin = (await loginAdmin(t)).auth;
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const addressesOf = async (userId: string) =>
    (
      await t.container.db.query<{ address: string }>(
        'SELECT address FROM user_client_addresses WHERE user_id = $1 ORDER BY last_seen_at',
        [userId],
      )
    ).rows.map((r) => r.address);
  /** As if the user's addresses were first seen two days ago: settled. */
  const settle = (userId: string) =>
    t.container.db.query(`UPDATE user_client_addresses SET first_seen_at = now() - interval '2 days' WHERE user_id = $1`, [userId]);
  const login = (user: TestUser, from: string) =>
    t.http().post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ email: user.email, password: 'correct-horse-battery' });
  async function payFrom(user: TestUser, fromWalletId: string, toWalletId: string, address: string) {
    const res = await t
      .http()
      .post('/api/v1/wallet/transfer')
      .set(user.auth)
      .set('X-Forwarded-For', address)
      .set('Idempotency-Key', randomUUID())
      .send({ fromWalletId, toWalletId, amount: '100' });
    expect(res.status).toBe(201);
    const scores = await t.http().get(`/api/v1/admin/risk/scores?walletId=${fromWalletId}`).set(admin);
    const s = (scores.body.data as { movementId: string; score: number; reasons: { feature: string }[] }[]).find(
      (r) => r.movementId === res.body.transfer.id,
    )!;
    return { score: s.score, reasons: s.reasons.map((r) => r.feature) };
  }
  async function payer() {
    const user = await registerUser(t);
    const payee = await registerUser(t);
    const from = await createWallet(t, user);
    const to = await createWallet(t, payee);
    await fund(t, from.id, 10_000);
    return { user, payee, from, to };
  }

  it('when a transfer comes from a new address, then it scores higher than the same from a known one', async () => {
    const { user, from, to } = await payer();
    expect((await login(user, HOME)).status).toBe(200);
    await settle(user.id);
    const known = await payFrom(user, from.id, to.id, HOME);
    const elsewhere = await payFrom(user, from.id, to.id, ELSEWHERE);
    expect(known.score).toBeLessThan(0.01);
    expect(elsewhere.score).toBeGreaterThan(0.99);
    expect(elsewhere.reasons).toContain('new_ip');
  });

  it("when the new address signed in minutes before (a takeover's own login), then it is still new until it settles", async () => {
    const { user, from, to } = await payer();
    await settle(user.id);
    expect((await login(user, ELSEWHERE)).status).toBe(200);
    expect(await addressesOf(user.id)).toContain(ELSEWHERE);
    expect((await payFrom(user, from.id, to.id, ELSEWHERE)).score).toBeGreaterThan(0.99);
    await settle(user.id);
    expect((await payFrom(user, from.id, to.id, ELSEWHERE)).score).toBeLessThan(0.01);
  });

  it('when the user has no settled address yet (signed up today), then the address is unknown, not new', async () => {
    const { user, from, to } = await payer();
    expect((await payFrom(user, from.id, to.id, ELSEWHERE)).score).toBeLessThan(0.01);
  });

  it("when an agent pays, then new_ip is 0 whatever the agent's address", async () => {
    const agent = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    await settle(agent.owner.id);
    const res = await a2aTransfer(t, agent, { to: { agentId: payee.id }, amount: '100', currency: 'USD' });
    expect(res.status).toBe(201);
    const scores = await t.http().get(`/api/v1/admin/risk/scores?walletId=${agent.walletId}`).set(admin);
    expect(scores.body.data[0]).toMatchObject({ kind: 'agent_payment' });
    expect(scores.body.data[0].score).toBeLessThan(0.01);
  });

  it("when the payee captures a hold from an address new to them, then the payer's movement is not scored on it", async () => {
    const { user, payee, from, to } = await payer();
    await settle(user.id);
    await settle(payee.id);
    const hold = await t
      .http()
      .post('/api/v1/holds')
      .set(user.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ fromWalletId: from.id, toWalletId: to.id, amount: '100' });
    expect(hold.status).toBe(201);
    const capture = await t
      .http()
      .post(`/api/v1/holds/${hold.body.id}/capture`)
      .set(payee.auth)
      .set('X-Forwarded-For', ELSEWHERE)
      .set('Idempotency-Key', randomUUID())
      .send({});
    expect(capture.status).toBe(200);
    const scores = await t.http().get(`/api/v1/admin/risk/scores?walletId=${from.id}`).set(admin);
    const captured = (scores.body.data as { kind: string; score: number }[]).find((r) => r.kind === 'hold_capture')!;
    expect(captured.score).toBeLessThan(0.01);
  });

  it('when a user signs in from many addresses, then only the 5 most recently seen are kept; a refresh counts as seen', async () => {
    const user = await registerUser(t);
    for (let i = 1; i <= 7; i++) expect((await login(user, `192.0.2.${i}`)).status).toBe(200);
    expect(await addressesOf(user.id)).toEqual(['192.0.2.3', '192.0.2.4', '192.0.2.5', '192.0.2.6', '192.0.2.7']);
    const refreshed = await t
      .http()
      .post('/api/v1/auth/refresh')
      .set('X-Forwarded-For', '192.0.2.3')
      .send({ refreshToken: user.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await addressesOf(user.id)).at(-1)).toBe('192.0.2.3');
    expect(await addressesOf(user.id)).toHaveLength(5);
  });

  it('when no proxy is trusted, then an X-Forwarded-For the caller sends is not the address recorded', async () => {
    const direct = await startTestApp({ RISK_MODEL_DIR: dir });
    try {
      const res = await direct
        .http()
        .post('/api/v1/auth/register')
        .set('X-Forwarded-For', HOME)
        .send({
          email: `${randomUUID()}@example.test`,
          password: 'correct-horse-battery',
        });
      expect(res.status).toBe(201);
      const { rows } = await direct.container.db.query<{ address: string }>(
        'SELECT address FROM user_client_addresses WHERE user_id = $1',
        [res.body.user.id],
      );
      expect(rows.map((r) => r.address)).toEqual(['127.0.0.1']);
    } finally {
      await direct.close();
    }
  });
});
