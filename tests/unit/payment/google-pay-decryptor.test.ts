import { generateKeyPairSync } from 'node:crypto';
import { GooglePayDecryptor } from '../../../src/modules/payment/google-pay/google-pay-decryptor';
import { PaymentDataRejected } from '../../../src/modules/payment/payment-data.errors';
import { buildGooglePayToken, createGooglePayKeys, googlePayPlaintext } from '../../support/google-pay-token';

const RECIPIENT = 'merchant:12345678901234567890';

describe('GooglePayDecryptor (ECv2)', () => {
  const keys = createGooglePayKeys();
  const decryptor = new GooglePayDecryptor({
    recipientId: RECIPIENT,
    rootKeys: keys.rootKeysJson.keys,
    privateKeysPem: [keys.merchantPrivateKeyPem],
  });
  const token = (extra: Partial<Parameters<typeof buildGooglePayToken>[0]> = {}) =>
    buildGooglePayToken({
      rootPrivateKey: keys.root.privateKey,
      recipientId: RECIPIENT,
      merchantPublicKey: keys.merchantPublicKey,
      ...extra,
    });

  function refusal(input: unknown): string {
    try {
      decryptor.decrypt(input);
    } catch (error) {
      expect(error).toBeInstanceOf(PaymentDataRejected);
      expect((error as Error).message).not.toContain('4242424242424242');
      return (error as PaymentDataRejected).code;
    }
    throw new Error('expected the payment data to be refused');
  }

  it('when the token is valid (as an object or as the JSON string Google returns), then it decrypts to the card', () => {
    const t = token();
    const expected = { pan: '4242424242424242', expMonth: 12, expYear: 2029, authMethod: 'CRYPTOGRAM_3DS', eciIndicator: '05' };
    expect(decryptor.decrypt(t)).toMatchObject(expected);
    expect(decryptor.decrypt(JSON.stringify(t))).toMatchObject(expected);
  });

  it('when the tag is tampered, then payment_data_decryption_failed', () => {
    expect(refusal(token({ tamperTag: true }))).toBe('payment_data_decryption_failed');
  });

  it('when the ciphertext is changed, then the message signature refuses it', () => {
    const t = token();
    const message = JSON.parse(t.signedMessage);
    message.encryptedMessage = Buffer.from('tampered').toString('base64');
    expect(refusal({ ...t, signedMessage: JSON.stringify(message) })).toBe('payment_data_signature_invalid');
  });

  it('when the intermediate key has expired, then payment_data_expired', () => {
    expect(refusal(token({ keyExpirationMs: Date.now() - 1000 }))).toBe('payment_data_expired');
  });

  it('when the intermediate key is signed by an unknown root, then payment_data_signature_invalid', () => {
    const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(refusal(token({ rootPrivateKey: stranger.privateKey }))).toBe('payment_data_signature_invalid');
  });

  it('when the message is signed by another key than the intermediate, then payment_data_signature_invalid', () => {
    const stranger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(refusal(token({ signMessageWith: stranger.privateKey }))).toBe('payment_data_signature_invalid');
  });

  it('when the token was made for another recipient, then payment_data_signature_invalid', () => {
    expect(refusal(token({ recipientId: 'merchant:someone-else' }))).toBe('payment_data_signature_invalid');
  });

  it('when the message has expired, then payment_data_expired', () => {
    expect(refusal(token({ plaintext: googlePayPlaintext({ messageExpiration: String(Date.now() - 1) }) }))).toBe('payment_data_expired');
  });

  it('when the data is encrypted for another merchant key, then payment_data_decryption_failed', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(refusal(token({ merchantPublicKey: other.publicKey }))).toBe('payment_data_decryption_failed');
  });

  it('when the input is not an ECv2 token, then payment_data_malformed', () => {
    expect(refusal('not json')).toBe('payment_data_malformed');
    expect(refusal({ ...token(), protocolVersion: 'ECv1' })).toBe('payment_data_malformed');
  });

  it('when the root key itself has expired, then no intermediate key is trusted', () => {
    const expired = new GooglePayDecryptor({
      recipientId: RECIPIENT,
      rootKeys: [{ ...keys.rootKeysJson.keys[0]!, keyExpiration: String(Date.now() - 1) }],
      privateKeysPem: [keys.merchantPrivateKeyPem],
    });
    expect(() => expired.decrypt(token())).toThrow(expect.objectContaining({ code: 'payment_data_signature_invalid' }));
  });

  it('when asked for the public key, then it is the base64 uncompressed point of the merchant key', () => {
    const point = Buffer.from(decryptor.publicKey(), 'base64');
    expect(point).toHaveLength(65);
    expect(point[0]).toBe(0x04);
  });
});
