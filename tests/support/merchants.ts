import { createWallet, type TestUser } from './ledger';
import type { TestApp } from './test-app';

/** A fresh merchant of `user` on a new wallet in `currency`. */
export async function createMerchant(t: TestApp, user: TestUser, currency = 'USD', displayName = 'Corner Shop') {
  const wallet = await createWallet(t, user, currency);
  const res = await t.http().post('/api/v1/merchants').set(user.auth).send({ walletId: wallet.id, displayName });
  if (res.status !== 201) throw new Error(`create merchant failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; walletId: string; currency: string; ucpEndpoint: string };
}

/** A client_credentials token of a new API client of the merchant. */
export async function merchantClientAuth(t: TestApp, owner: TestUser, merchantId: string) {
  const created = await t.http().post(`/api/v1/merchants/${merchantId}/api-clients`).set(owner.auth).send({ name: 'shop server' });
  if (created.status !== 201) throw new Error(`create api client failed: ${created.status} ${JSON.stringify(created.body)}`);
  const token = await t
    .http()
    .post('/api/v1/auth/token')
    .send({ clientId: created.body.clientId, clientSecret: created.body.clientSecret });
  if (token.status !== 200) throw new Error(`token exchange failed: ${token.status} ${JSON.stringify(token.body)}`);
  return { client: created.body as { id: string; clientId: string }, auth: { Authorization: `Bearer ${token.body.accessToken}` } };
}
