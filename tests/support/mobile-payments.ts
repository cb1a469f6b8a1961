import { createPublicKey, randomUUID } from 'node:crypto';
import { applePayPlaintext, buildApplePayToken } from './apple-pay-token';
import { buildGooglePayToken, googlePayPlaintext } from './google-pay-token';
import { createWallet, type TestUser } from './ledger';
import { APPLE_MERCHANT_ID, GOOGLE_MERCHANT_ID, type createMobilePayFixtures } from './mobile-pay-config';
import { registerUser, type TestApp } from './test-app';

export type MobilePayFixtures = Awaited<ReturnType<typeof createMobilePayFixtures>>;
export type MobileMethod = 'apple-pay' | 'google-pay';

/** A real EC_v1 token for the fixtures' merchant; `pan` and `amountMinor` change the decrypted card and total. */
export function appleToken(f: MobilePayFixtures, options: { pan?: string; amountMinor?: number; corruptCiphertext?: boolean } = {}) {
  const plaintext = applePayPlaintext({
    ...(options.pan ? { applicationPrimaryAccountNumber: options.pan } : {}),
    ...(options.amountMinor !== undefined ? { transactionAmount: options.amountMinor } : {}),
  });
  return buildApplePayToken({
    authority: f.apple,
    merchantId: APPLE_MERCHANT_ID,
    merchantPublicKey: createPublicKey(f.appleMerchant.privateKey),
    plaintext,
    ...(options.corruptCiphertext ? { corruptCiphertext: true } : {}),
  });
}

/** A real ECv2 token (as the JSON string Google Pay hands the client) for the fixtures' merchant. */
export function googleToken(f: MobilePayFixtures, options: { pan?: string; messageExpiration?: number; tamperTag?: boolean } = {}) {
  const plaintext = googlePayPlaintext({
    ...(options.messageExpiration !== undefined ? { messageExpiration: String(options.messageExpiration) } : {}),
  });
  if (options.pan) plaintext.paymentMethodDetails.pan = options.pan;
  return JSON.stringify(
    buildGooglePayToken({
      rootPrivateKey: f.google.root.privateKey,
      recipientId: `merchant:${GOOGLE_MERCHANT_ID}`,
      merchantPublicKey: f.google.merchantPublicKey,
      plaintext,
      ...(options.tamperTag ? { tamperTag: true } : {}),
    }),
  );
}

export function tokenFor(f: MobilePayFixtures, method: MobileMethod, pan?: string) {
  return method === 'apple-pay' ? appleToken(f, pan ? { pan } : {}) : googleToken(f, pan ? { pan } : {});
}

/** A fresh user and wallet with a payment session opened through HTTP (10.50 USD unless told). */
export async function openSession(t: TestApp, method: MobileMethod, amount = '1050', user?: TestUser) {
  const owner = user ?? (await registerUser(t));
  const wallet = await createWallet(t, owner);
  const res = await t.http().post(`/api/v1/payment/${method}/init`).set(owner.auth).send({ walletId: wallet.id, amount, currency: 'USD' });
  if (res.status !== 201) throw new Error(`init failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { user: owner, wallet, sessionId: res.body.sessionId as string };
}

export function processPayment(
  t: TestApp,
  method: MobileMethod,
  auth: Record<string, string>,
  body: { sessionId: string; paymentData: unknown },
  idempotencyKey: string = randomUUID(),
) {
  return t.http().post(`/api/v1/payment/${method}/process`).set(auth).set('Idempotency-Key', idempotencyKey).send(body);
}

export async function transactionsOf(t: TestApp, walletId: string) {
  const { rows } = await t.container.db.query<{ id: string; amount: string; transfer_id: string }>(
    'SELECT id, amount::text AS amount, transfer_id FROM transactions WHERE wallet_id = $1',
    [walletId],
  );
  return rows;
}

export async function mobileChargesOf(t: TestApp, walletId: string) {
  const { rows } = await t.container.db.query<{
    id: string;
    purpose: string;
    status: string;
    failure_code: string | null;
    payment_session_id: string | null;
    transfer_id: string | null;
    amount: string;
  }>(
    `SELECT id, purpose, status, failure_code, payment_session_id, transfer_id, amount::text AS amount
       FROM card_charges WHERE wallet_id = $1 ORDER BY created_at`,
    [walletId],
  );
  return rows;
}
