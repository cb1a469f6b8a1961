import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { a2aTransfer, registerAgent, type TestAgent } from '../../support/agents';
import { otherSignature } from '../../support/es256';
import { balanceOf } from '../../support/ledger';
import { startTestApp, type TestApp } from '../../support/test-app';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** An ES256 compact JWS made here, independently of OCP's own signer. */
function signJws(payload: Record<string, unknown>, kid: string, key: KeyObject): string {
  const input = `${b64({ alg: 'ES256', typ: 'JWT', kid })}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

/** The same signature bytes, spelled with other values in the bits its last base64url character carries past them. */
function lastCharBits(jws: string, delta: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const value = alphabet.indexOf(jws.at(-1)!);
  return jws.slice(0, -1) + alphabet[(value & 0b110000) | ((value + delta) & 0b001111)];
}

describe('signed owner mandates', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function ownerKey(agent: TestAgent) {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const res = await t
      .http()
      .post('/api/v1/agents/mandate-keys')
      .set(agent.owner.auth)
      .send({ publicJwk: publicKey.export({ format: 'jwk' }) });
    expect(res.status).toBe(201);
    return { kid: res.body.kid as string, privateKey };
  }

  const claims = (agent: TestAgent, constraints: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    iss: agent.owner.id,
    sub: agent.id,
    jti: `mdt_${Math.random()}`,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 3600,
    mandate_type: 'open_payment',
    constraints,
    ...extra,
  });

  async function issued(agent: TestAgent, constraints: Record<string, unknown>) {
    const res = await t
      .http()
      .post(`/api/v1/agents/${agent.id}/mandates`)
      .set(agent.owner.auth)
      .send({ constraints, currency: 'USD', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(res.status).toBe(201);
    return res.body.mandate as string;
  }

  it('when a payment carries a valid OCP-signed mandate, then it is paid and the mandate hash is stored with it', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const mandate = await issued(payer, { amount_range: { min: '10', max: '500' }, allowed_payees: [payee.id] });
    const res = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '100', currency: 'USD', mandate });
    expect(res.status).toBe(201);
    expect(res.body.mandateHash).toBe(createHash('sha256').update(mandate).digest('hex'));
    const { rows } = await t.container.db.query<{ mandate_hash: string }>('SELECT mandate_hash FROM agent_payments WHERE id = $1', [
      res.body.id,
    ]);
    expect(rows[0]!.mandate_hash).toBe(res.body.mandateHash);
  });

  it('when the owner signs with their own registered key, then the mandate is accepted', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const { kid, privateKey } = await ownerKey(payer);
    const mandate = signJws(claims(payer, { amount_range: { max: '50' } }), kid, privateKey);
    expect((await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '50', currency: 'USD', mandate })).status).toBe(201);
    const over = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '51', currency: 'USD', mandate });
    expect(over.status).toBe(403);
    expect(over.body.error).toMatchObject({ code: 'mandate_constraint_failed', details: { constraint: 'amount_range' } });
  });

  it('when the mandate is tampered with, signed by another key, expired, foreign or has an unknown constraint, then each has its code and nothing moves', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const { kid, privateKey } = await ownerKey(payer);
    const pay = (mandate: string) => a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '20', currency: 'USD', mandate });

    const genuine = signJws(claims(payer, { amount_range: { max: '10' } }), kid, privateKey);
    const [h, , s] = genuine.split('.');
    const tampered = `${h}.${b64(claims(payer, { amount_range: { max: '1000' } }))}.${s}`;
    expect((await pay(tampered)).body.error.code).toBe('mandate_signature_invalid');

    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect((await pay(signJws(claims(payer, {}), kid, stranger))).body.error.code).toBe('mandate_signature_invalid');

    const expired = signJws(claims(payer, {}, { exp: Math.floor(Date.now() / 1000) - 10 }), kid, privateKey);
    expect((await pay(expired)).body.error.code).toBe('mandate_expired');

    const forPayee = signJws(claims(payer, {}, { sub: payee.id }), kid, privateKey);
    expect((await pay(forPayee)).body.error.code).toBe('mandate_foreign');
    const otherOwner = await ownerKey(payee);
    expect((await pay(signJws(claims(payer, {}), otherOwner.kid, otherOwner.privateKey))).body.error.code).toBe('mandate_foreign');

    const unknown = await pay(signJws(claims(payer, { max_velocity: '5' }), kid, privateKey));
    expect(unknown.status).toBe(403);
    expect(unknown.body.error).toMatchObject({ code: 'mandate_constraint_unknown', details: { constraints: ['max_velocity'] } });

    expect((await pay('not-a-jws')).status).toBe(400);
    expect(await balanceOf(t, payer.walletId)).toBe(1_000n);
    const audit = await t.container.db.query("SELECT 1 FROM agent_audit_log WHERE agent_id = $1 AND decision = 'refused'", [payer.id]);
    expect(audit.rowCount).toBe(7);
  });

  it('when 10 payments of 30 race under a mandate budget of 100, then exactly 3 are paid and the rest are mandate_exhausted', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const mandate = await issued(payer, { budget: '100' });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '30', currency: 'USD', mandate })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(3);
    expect(responses.filter((r) => r.status === 403).every((r) => r.body.error.code === 'mandate_exhausted')).toBe(true);
    expect(await balanceOf(t, payee.walletId)).toBe(90n);
    const { rows } = await t.container.db.query<{ spent: bigint; uses: number }>('SELECT spent, uses FROM mandate_usage');
    expect(rows.map((r) => [BigInt(r.spent), r.uses])).toContainEqual([90n, 3]);
  });

  it('when the mandate is spelled another way, then base64url re-spellings are refused and the other ECDSA signature spends the same budget', async () => {
    const payer = await registerAgent(t, { funds: 10_000 });
    const payee = await registerAgent(t);
    const mandate = await issued(payer, { budget: '1000' });
    const pay = (m: string, amount: string) => a2aTransfer(t, payer, { to: { agentId: payee.id }, amount, currency: 'USD', mandate: m });
    for (const respelled of [lastCharBits(mandate, 1), lastCharBits(mandate, 2)]) {
      const res = await pay(respelled, '1');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('mandate_malformed');
    }
    const twin = await pay(otherSignature(mandate), '600');
    expect(twin.status).toBe(201);
    expect(twin.body.mandateHash).toBe(createHash('sha256').update(mandate).digest('hex'));
    const over = await pay(mandate, '600');
    expect(over.status).toBe(403);
    expect(over.body.error.code).toBe('mandate_exhausted');
    expect((await pay(mandate, '400')).status).toBe(201);
    expect(await balanceOf(t, payee.walletId)).toBe(1_000n);
  });

  it('when a payment under a mandate waits for approval and is declined, then its amount goes back to the mandate budget', async () => {
    const payer = await registerAgent(t, { funds: 1_000, policy: { approvalThreshold: '50' } });
    const payee = await registerAgent(t);
    const mandate = await issued(payer, { budget: '100' });
    const pending = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '80', currency: 'USD', mandate });
    expect(pending.status).toBe(202);
    expect(pending.body.mandateHash).toBe(createHash('sha256').update(mandate).digest('hex'));
    expect((await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '40', currency: 'USD', mandate })).body.error.code).toBe(
      'mandate_exhausted',
    );
    await t.http().post(`/api/v1/agents/approvals/${pending.body.id}/decline`).set(payer.owner.auth).expect(200);
    expect((await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '40', currency: 'USD', mandate })).status).toBe(201);
  });

  it('when a payment above the approval threshold breaks its mandate, then it is refused (not left pending), audited with the rule and told', async () => {
    const payer = await registerAgent(t, { funds: 1_000, policy: { approvalThreshold: '50' } });
    const payee = await registerAgent(t);
    const mandate = await issued(payer, { amount_range: { max: '60' } });
    const told: Record<string, unknown>[] = [];
    const unsubscribe = t.container.events.subscribe('agent.payment.refused', (e) => void told.push(e.data));
    const res = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '80', currency: 'USD', mandate });
    unsubscribe();
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('mandate_constraint_failed');
    const { rows } = await t.container.db.query<{ decision: string; rule: string | null }>(
      'SELECT decision, rule FROM agent_audit_log WHERE agent_id = $1',
      [payer.id],
    );
    expect(rows).toEqual([{ decision: 'refused', rule: 'mandate_constraint_failed' }]);
    expect(told).toEqual([
      expect.objectContaining({ agentId: payer.id, code: 'mandate_constraint_failed', rule: 'mandate_constraint_failed' }),
    ]);
    expect((await t.container.db.query('SELECT 1 FROM agent_payments WHERE agent_id = $1', [payer.id])).rowCount).toBe(0);
  });

  it('when an owner registers a key that is not P-256, then 400', async () => {
    const agent = await registerAgent(t);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const res = await t.http().post('/api/v1/agents/mandate-keys').set(agent.owner.auth).send({ publicJwk: rsa });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].field).toBe('body.publicJwk');
  });

  it('when the owner asks OCP to sign for an agent that is not theirs, or with an unknown constraint, then 404 / 400', async () => {
    const mine = await registerAgent(t);
    const theirs = await registerAgent(t);
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    const foreign = await t.http().post(`/api/v1/agents/${theirs.id}/mandates`).set(mine.owner.auth).send({ constraints: {}, expiresAt });
    expect(foreign.status).toBe(404);
    const unknown = await t
      .http()
      .post(`/api/v1/agents/${mine.id}/mandates`)
      .set(mine.owner.auth)
      .send({ constraints: { nope: 1 }, expiresAt });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.fields[0].field).toBe('body.constraints.nope');
  });

  it('when a constraint amount is not digits, then 400 naming it, not a 500', async () => {
    const agent = await registerAgent(t);
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    const res = await t
      .http()
      .post(`/api/v1/agents/${agent.id}/mandates`)
      .set(agent.owner.auth)
      .send({ constraints: { budget: '2026-01-01T00:00:00Z' }, expiresAt });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].field).toBe('body.constraints.budget');
  });
});
