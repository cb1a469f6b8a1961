import { randomUUID } from 'node:crypto';
import type { SandboxProcessor } from '../../src/modules/payment/processor/sandbox.processor';
import type { TestUser } from './ledger';
import { loginAdmin, type TestApp } from './test-app';

export const TEST_CARDS = {
  approved: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  processorError: '4000000000000119',
  /** The sandbox pays a payout to it, and the bank returns it at the first check (ends 0077). */
  payoutReturned: '4000000000000077',
} as const;

export const cardData = (number: string = TEST_CARDS.approved) => ({
  number,
  expMonth: 12,
  expYear: new Date().getUTCFullYear() + 3,
  cvc: '123',
});

export async function createCardToken(t: TestApp, auth: Record<string, string>, number: string = TEST_CARDS.approved) {
  const res = await t
    .http()
    .post('/api/v1/tokens')
    .set(auth)
    .send({ type: 'card', data: cardData(number) });
  if (res.status !== 201) throw new Error(`tokenize failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; card: { last4: string } };
}

export function fundWithCard(
  t: TestApp,
  auth: Record<string, string>,
  walletId: string,
  body: Record<string, unknown>,
  idempotencyKey: string | null = randomUUID(),
) {
  const req = t.http().post(`/api/v1/wallets/${walletId}/fund`).set(auth);
  if (idempotencyKey !== null) req.set('Idempotency-Key', idempotencyKey);
  return req.send(body);
}

export function sandbox(t: TestApp): SandboxProcessor {
  return t.container.funding.processor as SandboxProcessor;
}

/** A server-to-server client with the given permissions, and its bearer header. */
export async function serviceAuth(t: TestApp, permissions: string[]) {
  const admin = await loginAdmin(t);
  const client = await t.http().post('/api/v1/admin/api-clients').set(admin.auth).send({ name: 'svc', permissions });
  const token = await t.http().post('/api/v1/auth/token').send({ clientId: client.body.clientId, clientSecret: client.body.clientSecret });
  return { id: client.body.id as string, auth: { Authorization: `Bearer ${token.body.accessToken}` } };
}

export async function chargesOf(t: TestApp, walletId: string) {
  const { rows } = await t.container.db.query<{ id: string; status: string; failure_code: string | null; transfer_id: string | null }>(
    'SELECT id, status, failure_code, transfer_id FROM card_charges WHERE wallet_id = $1 ORDER BY created_at',
    [walletId],
  );
  return rows;
}

export type { TestUser };
