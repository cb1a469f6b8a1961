import { randomUUID, sign, type KeyObject } from 'node:crypto';
import { a2aTransfer, registerAgent, type TestAgent } from '../../support/agents';
import { registerOwnerMandateKey } from '../../support/ap2';
import { balanceOf, type TestUser } from '../../support/ledger';
import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { issueCredential, redeemCredential, redemptionOf } from '../../support/ucp-credentials';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** An ES256 compact JWS made here, independently of OCP's own signer. */
function signJws(payload: Record<string, unknown>, kid: string, key: KeyObject): string {
  const input = `${b64({ alg: 'ES256', typ: 'JWT', kid })}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

/** An AP2 IntentMandate (the fields OCP reads) with a ceiling in USD minor units. */
const intent = (extra: Record<string, unknown> = {}) => ({
  natural_language_description: 'Coffee beans, under 50 dollars in total',
  user_cart_confirmation_required: false,
  intent_expiry: inAnHour(),
  max_amount: { currency: 'USD', value: '5000' },
  ...extra,
});

describe('AP2 intent mandates as a policy input', () => {
  let t: TestApp;
  let shopOwner: TestUser;
  let acme: { id: string; walletId: string };
  let other: { id: string };
  beforeAll(async () => {
    t = await startTestApp();
    shopOwner = await registerUser(t);
    acme = await createMerchant(t, shopOwner, 'USD', 'Acme');
    other = await createMerchant(t, shopOwner, 'USD', 'Other');
  });
  afterAll(() => t.close());

  async function issued(agent: TestAgent, body: Record<string, unknown>) {
    return t
      .http()
      .post(`/api/v1/agents/${agent.id}/mandates`)
      .set(agent.owner.auth)
      .send({ expiresAt: inAnHour(), ...body });
  }

  async function ownerSigned(agent: TestAgent, fields: Record<string, unknown>) {
    const { kid, privateKey } = await registerOwnerMandateKey(t, agent.owner);
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: agent.owner.id,
      sub: agent.id,
      jti: `mdt_${randomUUID()}`,
      iat: now,
      exp: now + 3600,
      mandate_type: 'intent',
      ...fields,
    };
    return { mandate: signJws(claims, kid, privateKey), claims, kid, privateKey };
  }

  /** The agent pays the merchant's checkout of 3600 with an OCP wallet credential carrying the mandate; the owner redeems. */
  async function payMerchant(agent: TestAgent, mandate: string, merchantId = acme.id) {
    const issued = await issueCredential(t, agent, merchantId, { amount: '3600', mandate });
    if (issued.status !== 201) return issued;
    return redeemCredential(t, shopOwner.auth, redemptionOf(issued.body));
  }

  it('when OCP signs an intent for listed merchants, then payments to them pass until the ceiling is used up, and another payee is refused', async () => {
    const payer = await registerAgent(t, { funds: 20_000 });
    const res = await issued(payer, { intent: intent({ merchants: [acme.id] }) });
    expect(res.status).toBe(201);
    const claims = JSON.parse(Buffer.from(String(res.body.mandate).split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ mandate_type: 'intent', merchants: [acme.id], max_amount: { currency: 'USD', value: '5000' } });

    expect((await payMerchant(payer, res.body.mandate)).status).toBe(201);
    // 3600 paid; another 3600 would pass 5000 in total.
    const second = await payMerchant(payer, res.body.mandate);
    expect(second.body.error.code).toBe('mandate_exhausted');
    const elsewhere = await payMerchant(payer, res.body.mandate, other.id);
    expect(elsewhere.body.error.code).toBe('mandate_constraint_failed');
    expect(await balanceOf(t, payer.walletId)).toBe(20_000n - 3_600n);
    expect(await balanceOf(t, acme.walletId)).toBe(3_600n);
  });

  it('when one payment is above the ceiling or in another currency, then it is refused and nothing moves', async () => {
    const payer = await registerAgent(t, { funds: 20_000 });
    const payee = await registerAgent(t);
    const { mandate } = await ownerSigned(payer, intent({ max_amount: { currency: 'USD', value: '500' } }));
    const over = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '501', currency: 'USD', mandate });
    expect(over.body.error).toMatchObject({ code: 'mandate_constraint_failed', details: { constraint: 'amount_range' } });
    expect((await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '500', currency: 'USD', mandate })).status).toBe(201);
    const eur = await ownerSigned(payer, intent({ max_amount: { currency: 'EUR', value: '500' } }));
    const wrong = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '10', currency: 'USD', mandate: eur.mandate });
    expect(wrong.body.error).toMatchObject({ code: 'mandate_constraint_failed', details: { constraint: 'currency' } });
    expect(await balanceOf(t, payee.walletId)).toBe(500n);
  });

  it('when the intent_expiry has passed (the JWT exp has not), then it is mandate_expired', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const { mandate } = await ownerSigned(payer, intent({ intent_expiry: new Date(Date.now() - 1000).toISOString() }));
    const res = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '10', currency: 'USD', mandate });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('mandate_expired');
  });

  it('when the intent asks for the user to confirm the cart, then the payment waits for the owner and is paid when approved', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const { mandate } = await ownerSigned(payer, intent({ user_cart_confirmation_required: true }));
    const res = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '300', currency: 'USD', mandate });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('pending_approval');
    expect(await balanceOf(t, payer.walletId)).toBe(1_000n);
    const audit = await t.container.db.query<{ rule: string }>(
      "SELECT rule FROM agent_audit_log WHERE payment_id = $1 AND decision = 'pending_approval'",
      [res.body.id],
    );
    expect(audit.rows[0]!.rule).toBe('mandate_confirmation');
    const approved = await t
      .http()
      .post(`/api/v1/agents/approvals/${res.body.id}/approve`)
      .set(payer.owner.auth)
      .set('Idempotency-Key', randomUUID());
    expect(approved.status).toBe(201);
    expect(await balanceOf(t, payee.walletId)).toBe(300n);
  });

  it('when the confirmation flag is flipped off after signing, then the signature fails and nothing moves', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const { claims, mandate } = await ownerSigned(payer, intent({ user_cart_confirmation_required: true }));
    const [h, , s] = mandate.split('.');
    const forged = `${h}.${b64({ ...claims, user_cart_confirmation_required: false })}.${s}`;
    const res = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '300', currency: 'USD', mandate: forged });
    expect(res.body.error.code).toBe('mandate_signature_invalid');
    expect(await balanceOf(t, payee.walletId)).toBe(0n);
  });

  it('when the intent names skus or requires refundability, which OCP cannot check on a payment, then it is refused, not ignored', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    for (const extra of [{ skus: ['sku_beans'] }, { requires_refundability: true }]) {
      const { mandate } = await ownerSigned(payer, intent(extra));
      const res = await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '10', currency: 'USD', mandate });
      expect(res.body.error.code).toBe('mandate_constraint_unknown');
    }
    const { mandate } = await ownerSigned(payer, intent({ requires_refundability: false }));
    expect((await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '10', currency: 'USD', mandate })).status).toBe(201);
  });

  it('when an intent claim is unknown or malformed, then it is mandate_malformed', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    for (const extra of [{ surprise: true }, { max_amount: { currency: 'USD', value: 5000 } }, { user_cart_confirmation_required: 'no' }]) {
      const { mandate } = await ownerSigned(payer, intent(extra));
      expect((await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '10', currency: 'USD', mandate })).body.error.code).toBe(
        'mandate_malformed',
      );
    }
  });

  it('when the issue request gives both constraints and intent, neither, or a currency beside an intent, then it is a 400', async () => {
    const payer = await registerAgent(t);
    for (const body of [{ constraints: {}, intent: intent() }, {}, { intent: intent(), currency: 'USD' }]) {
      const res = await issued(payer, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it('when an open payment mandate is issued as before, then it still works', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const res = await issued(payer, { constraints: { amount_range: { max: '50' } }, currency: 'USD' });
    expect(res.status).toBe(201);
    expect(
      (await a2aTransfer(t, payer, { to: { agentId: payee.id }, amount: '50', currency: 'USD', mandate: res.body.mandate })).status,
    ).toBe(201);
  });
});
