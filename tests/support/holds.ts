import { randomUUID } from 'node:crypto';
import { createWallet, fund, type TestUser } from './ledger';
import { registerUser, type TestApp } from './test-app';

type Auth = Record<string, string>;

/** POST /holds with a fresh Idempotency-Key unless one is given. */
export function createHold(t: TestApp, auth: Auth, body: Record<string, unknown>, key: string = randomUUID()) {
  return t.http().post('/api/v1/holds').set(auth).set('Idempotency-Key', key).send(body);
}

export function captureHold(t: TestApp, auth: Auth, holdId: string, body: Record<string, unknown> = {}, key: string = randomUUID()) {
  return t.http().post(`/api/v1/holds/${holdId}/capture`).set(auth).set('Idempotency-Key', key).send(body);
}

export function voidHold(t: TestApp, auth: Auth, holdId: string, key: string = randomUUID()) {
  return t.http().post(`/api/v1/holds/${holdId}/void`).set(auth).set('Idempotency-Key', key);
}

/** The wallet as its owner reads it: balance, available and held as bigints. */
export async function fundsOf(t: TestApp, auth: Auth, walletId: string) {
  const res = await t.http().get(`/api/v1/wallets/${walletId}`).set(auth);
  if (res.status !== 200) throw new Error(`wallet read failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { balance: BigInt(res.body.balance), available: BigInt(res.body.available), held: BigInt(res.body.held) };
}

/** A payer with a funded wallet and a payee with an empty one, in the same currency. */
export async function payerAndPayee(t: TestApp, funds: bigint | number = 10_000) {
  const payer: TestUser = await registerUser(t);
  const payee: TestUser = await registerUser(t);
  const from = await createWallet(t, payer);
  const to = await createWallet(t, payee);
  await fund(t, from.id, funds);
  return { payer, payee, from, to };
}

/** Moves a hold's expiry into the past, as if its time had come (the API refuses a past expiresAt). */
export async function backdate(t: TestApp, holdIds: readonly string[]) {
  await t.container.db.query(`UPDATE holds SET expires_at = now() - interval '1 second' WHERE id = ANY($1::text[])`, [holdIds]);
}
