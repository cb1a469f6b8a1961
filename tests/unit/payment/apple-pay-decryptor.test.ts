import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ApplePayDecryptor } from '../../../src/modules/payment/apple-pay/apple-pay-decryptor';
import { PaymentDataRejected } from '../../../src/modules/payment/payment-data.errors';
import {
  applePayPlaintext,
  buildApplePayToken,
  createApplePayAuthority,
  createMerchantKey,
  type ApplePayAuthority,
} from '../../support/apple-pay-token';

const MERCHANT_ID = 'merchant.org.ocp.test';
const FIVE_MINUTES_MS = 5 * 60_000;

describe('ApplePayDecryptor (EC_v1)', () => {
  let authority: ApplePayAuthority;
  const merchant = createMerchantKey();
  const merchantPublicKey = () => generatePublic(merchant.privateKey);
  const decryptor = (root = authority.root) =>
    new ApplePayDecryptor({
      merchantId: MERCHANT_ID,
      root: root.x509,
      privateKeysPem: [createMerchantKey().privateKeyPem, merchant.privateKeyPem],
      signingTimeToleranceMs: FIVE_MINUTES_MS,
    });
  const token = (extra: Partial<Parameters<typeof buildApplePayToken>[0]> = {}) =>
    buildApplePayToken({ authority, merchantId: MERCHANT_ID, merchantPublicKey: merchantPublicKey(), ...extra });

  /** Runs the decryption expecting a refusal, and checks that no decrypted data leaks into the error. */
  function refusal(input: unknown, d = decryptor()): PaymentDataRejected {
    try {
      d.decrypt(input);
    } catch (error) {
      expect(error).toBeInstanceOf(PaymentDataRejected);
      const text = JSON.stringify({ message: (error as Error).message, details: (error as PaymentDataRejected).details });
      expect(text).not.toContain('4242424242424242');
      expect(text).not.toContain('AOHsBnMAAnq');
      return error as PaymentDataRejected;
    }
    throw new Error('expected the payment data to be refused');
  }

  beforeAll(async () => {
    authority = await createApplePayAuthority();
  });

  it('when the token is valid, then it decrypts to the card, amount and cryptogram', () => {
    const card = decryptor().decrypt(token());
    expect(card).toMatchObject({
      dpan: '4242424242424242',
      expMonth: 12,
      expYear: 2029,
      currency: 'USD',
      amountMinor: 1050n,
      paymentDataType: '3DSecure',
      cryptogram: 'AOHsBnMAAnq+oWBSlWOCAoABFA==',
      eciIndicator: '7',
    });
  });

  it('when the ciphertext is changed after signing, then the signature check refuses it', () => {
    const t = token();
    const data = Buffer.from(t.data, 'base64');
    data[3] = data[3]! ^ 0xff;
    expect(refusal({ ...t, data: data.toString('base64') }).code).toBe('payment_data_signature_invalid');
  });

  it('when the ciphertext was corrupted before signing, then the GCM tag refuses it', () => {
    expect(refusal(token({ corruptCiphertext: true })).code).toBe('payment_data_decryption_failed');
  });

  it('when the data is encrypted for another merchant key, then payment_data_unknown_key', () => {
    const other = createMerchantKey();
    expect(refusal(token({ merchantPublicKey: generatePublic(other.privateKey) })).code).toBe('payment_data_unknown_key');
  });

  it('when the header names our key but the data was encrypted for another, then decryption fails', () => {
    const other = createMerchantKey();
    const t = token({ merchantPublicKey: generatePublic(other.privateKey), publicKeyHash: merchant.publicKeyHash });
    expect(refusal(t).code).toBe('payment_data_decryption_failed');
  });

  it('when the signature is made with a key that is not the leaf certificate, then payment_data_signature_invalid', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(refusal(token({ signWith: privateKey })).code).toBe('payment_data_signature_invalid');
  });

  it('when the chain leads to another root, then payment_data_certificate_invalid', async () => {
    const stranger = await createApplePayAuthority();
    expect(refusal(token(), decryptor(stranger.root)).code).toBe('payment_data_certificate_invalid');
  });

  it('when the leaf or the intermediate lacks its Apple OID, then payment_data_certificate_invalid', async () => {
    for (const missing of [{ leafOid: false }, { intermediateOid: false }]) {
      const bad = await createApplePayAuthority(missing);
      const t = buildApplePayToken({ authority: bad, merchantId: MERCHANT_ID, merchantPublicKey: merchantPublicKey() });
      expect(refusal(t, decryptor(bad.root)).code).toBe('payment_data_certificate_invalid');
    }
  });

  it('when the leaf certificate had expired when it signed, then payment_data_certificate_invalid', async () => {
    const expired = await createApplePayAuthority({ leafNotAfter: new Date(Date.now() - 60_000) });
    const t = buildApplePayToken({ authority: expired, merchantId: MERCHANT_ID, merchantPublicKey: merchantPublicKey() });
    expect(refusal(t, decryptor(expired.root)).code).toBe('payment_data_certificate_invalid');
  });

  it('when the signing time is older (or later) than five minutes, then payment_data_expired', () => {
    expect(refusal(token({ signingTime: new Date(Date.now() - 6 * 60_000) })).code).toBe('payment_data_expired');
    expect(refusal(token({ signingTime: new Date(Date.now() + 6 * 60_000) })).code).toBe('payment_data_expired');
    expect(decryptor().decrypt(token({ signingTime: new Date(Date.now() - 4 * 60_000) })).amountMinor).toBe(1050n);
  });

  it('when the input is not an EC_v1 token or the plaintext has another shape, then it is refused as malformed', () => {
    expect(refusal({ version: 'RSA_v1' }).code).toBe('payment_data_malformed');
    expect(refusal({ ...token(), signature: 'bm90IGEgcGtjczc=' }).code).toBe('payment_data_signature_invalid');
    const odd = token({ plaintext: applePayPlaintext({ applicationPrimaryAccountNumber: 42 }) });
    expect(refusal(odd).code).toBe('payment_data_malformed');
  });
});

function generatePublic(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey);
}
