import { randomUUID } from 'node:crypto';
import type { TestAgent } from './agents';
import type { TestApp } from './test-app';

/** POST /ucp/payment-credentials as `agent`, for `merchantId`'s checkout. */
export function issueCredential(
  t: TestApp,
  agent: TestAgent,
  merchantId: string,
  body: { checkout_id?: string; amount?: string; currency?: string; mandate?: string } = {},
) {
  return t
    .http()
    .post('/api/v1/ucp/payment-credentials')
    .set(agent.auth)
    .send({ business: { merchant_id: merchantId }, checkout_id: `chk_${randomUUID()}`, amount: '5400', currency: 'USD', ...body });
}

/** POST /ucp/payment-credentials/redeem with `auth` (a merchant API client's or an owner's token). */
export function redeemCredential(
  t: TestApp,
  auth: { Authorization: string },
  body: { token: string; checkout_id: string; amount: string; currency: string },
  key: string = randomUUID(),
) {
  return t.http().post('/api/v1/ucp/payment-credentials/redeem').set(auth).set('Idempotency-Key', key).send(body);
}

/** The redeem body that matches an issue answer exactly. */
export function redemptionOf(issued: { credential: { token: string }; checkout_id: string; amount: string; currency: string }) {
  return { token: issued.credential.token, checkout_id: issued.checkout_id, amount: issued.amount, currency: issued.currency };
}
