import { validateCard } from '../../src/modules/token/card';
import { BasisTheoryProvider } from '../../src/modules/token/providers/basis-theory.provider';
import { fakeBasisTheory, FAKE_WALLET_CARD } from '../support/fake-basis-theory';

const KEY = 'key_test_123';
const card = validateCard({ number: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '123' });

describe('Basis Theory token provider against a local Basis Theory', () => {
  const server = fakeBasisTheory(KEY);
  let bt: BasisTheoryProvider;
  beforeAll(async () => {
    await server.start();
    bt = new BasisTheoryProvider({ baseUrl: server.url, apiKey: KEY, timeoutMs: 300, retriesMax: 2, backoffBaseMs: 5 });
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.clearFaults();
    server.requests.length = 0;
  });

  it('when a card is tokenized, then POST /tokens carries BT-API-KEY, BT-IDEMPOTENCY-KEY and the card, and only the view comes back', async () => {
    const token = await bt.createFromCard(card, { idempotencyKey: 'idk_1' });
    expect(token).toMatchObject({ type: 'card', brand: 'visa', last4: '4242', expMonth: 12, expYear: card.expYear });
    expect(token.fingerprint).toBeTruthy();
    const sent = server.requests[0]!;
    expect(sent).toMatchObject({ method: 'POST', path: '/tokens' });
    expect(sent.headers['bt-api-key']).toBe(KEY);
    expect(sent.headers['bt-idempotency-key']).toBe('idk_1');
    expect(sent.body).toMatchObject({ type: 'card', data: { number: '4242424242424242', expiration_month: 12, cvc: '123' } });
    expect(JSON.stringify(token)).not.toContain('4242424242424242');
  });

  it('when a token is retrieved and deleted, then GET and DELETE /tokens/{id} are used and a deleted token reads as null', async () => {
    const token = await bt.createFromCard(card);
    expect(await bt.retrieve(token.providerTokenId)).toEqual(token);
    await bt.delete(token.providerTokenId);
    expect(await bt.retrieve(token.providerTokenId)).toBeNull();
    await expect(bt.delete(token.providerTokenId)).resolves.toBeUndefined();
    expect(server.requests.map((r) => `${r.method} ${r.path.split('/')[1]}`)).toEqual([
      'POST tokens',
      'GET tokens',
      'DELETE tokens',
      'GET tokens',
      'DELETE tokens',
    ]);
  });

  it('when the server fails twice with 503, then the create is retried with the same idempotency key and one token exists', async () => {
    server.inject('fail', 2);
    const token = await bt.createFromCard(card, { idempotencyKey: 'idk_retry' });
    expect(token.last4).toBe('4242');
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((r) => r.headers['bt-idempotency-key']))).toEqual(new Set(['idk_retry']));
  });

  it('when the first answer hangs past the timeout, then the retry with the same key returns the token', async () => {
    server.inject('hang');
    const token = await bt.createFromCard(card, { idempotencyKey: 'idk_hang' });
    expect(token.type).toBe('card');
    expect(server.requests).toHaveLength(2);
  });

  it('when every attempt fails, then token_provider_unavailable (503) after 1 + retriesMax attempts, without card data in the error', async () => {
    server.inject('fail', 3);
    const error = await bt.createFromCard(card, { idempotencyKey: 'idk_down' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unavailable', code: 'token_provider_unavailable' });
    expect(server.requests).toHaveLength(3);
    expect(JSON.stringify(error) + String((error as Error).message)).not.toMatch(/4242424242424242|key_test/);
  });

  it('when a create has no idempotency key, then a failure is not retried (it could create twice)', async () => {
    server.inject('fail');
    await expect(bt.createFromCard(card)).rejects.toMatchObject({ code: 'token_provider_unavailable' });
    expect(server.requests).toHaveLength(1);
  });

  it('when the server answers garbage, then token_provider_unavailable and no retry', async () => {
    server.inject('garbage');
    await expect(bt.createFromCard(card, { idempotencyKey: 'idk_garbage' })).rejects.toMatchObject({ code: 'token_provider_unavailable' });
    expect(server.requests).toHaveLength(1);
  });

  it('when the API key is wrong, then the 4xx is a refusal and never retried', async () => {
    const wrong = new BasisTheoryProvider({ baseUrl: server.url, apiKey: 'nope', timeoutMs: 300, retriesMax: 2, backoffBaseMs: 5 });
    await expect(wrong.retrieve('x')).rejects.toMatchObject({ kind: 'unprocessable', code: 'token_provider_rejected' });
    expect(server.requests).toHaveLength(1);
  });

  it('when decrypted network token data is tokenized, then a masked generic token keeps the wallet type', async () => {
    const token = await bt.createFromNetworkToken({
      wallet: 'apple_pay',
      dpan: '5555555555554444',
      expMonth: 11,
      expYear: 2031,
      cryptogram: 'AgAAAAAABk4DWZ4C28yUQAAAAAA=',
      eci: '07',
    });
    expect(token).toMatchObject({ type: 'apple_pay', brand: 'mastercard', last4: '4444', expMonth: 11, expYear: 2031 });
    expect(server.requests[0]!.body).toMatchObject({ type: 'token', data: { cryptogram: 'AgAAAAAABk4DWZ4C28yUQAAAAAA=' } });
    expect(await bt.retrieve(token.providerTokenId)).toEqual(token);
  });

  it('when Apple Pay and Google Pay payment data are handed over, then /apple-pay and /google-pay decrypt them into tokens', async () => {
    const apple = await bt.createFromWalletPaymentData('apple_pay', { paymentData: { version: 'EC_v1' } }, { idempotencyKey: 'a1' });
    const google = await bt.createFromWalletPaymentData('google_pay', { protocolVersion: 'ECv2' }, { idempotencyKey: 'g1' });
    expect(apple).toMatchObject({ type: 'apple_pay', last4: FAKE_WALLET_CARD.last4, expYear: FAKE_WALLET_CARD.expiration_year });
    expect(google.type).toBe('google_pay');
    expect(server.requests[0]).toMatchObject({ path: '/apple-pay', body: { apple_payment_data: { paymentData: { version: 'EC_v1' } } } });
    expect(server.requests[1]).toMatchObject({ path: '/google-pay', body: { google_payment_data: { protocolVersion: 'ECv2' } } });
    expect(await bt.retrieve(apple.providerTokenId)).toEqual(apple);
    await bt.delete(google.providerTokenId);
    expect(await bt.retrieve(google.providerTokenId)).toBeNull();
  });

  it('when an Apple Pay merchant session is requested, then POST /apple-pay/session gets the validation URL and domain', async () => {
    const session = await bt.createApplePaySession({
      validationUrl: 'https://apple-pay-gateway.apple.com/paymentservices/paymentSession',
      displayName: 'OCP',
      domain: 'pay.example.com',
    });
    expect(session).toMatchObject({ merchantSessionIdentifier: 'ms_1', domainName: 'pay.example.com' });
    expect(server.requests[0]!.body).toEqual({
      validation_url: 'https://apple-pay-gateway.apple.com/paymentservices/paymentSession',
      display_name: 'OCP',
      domain: 'pay.example.com',
    });
  });
});
