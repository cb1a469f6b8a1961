import { BasisTheoryProvider } from '../../src/modules/token/providers/basis-theory.provider';
import { FakeHttpServer, type FakeReply } from '../support/fake-http-server';

/** What OCP reads from Basis Theory answers that leave out the optional fields. */
const EXP_YEAR = new Date().getUTCFullYear() + 2;
const bareToken = (number: string, extra: Record<string, unknown> = {}) => ({
  id: 'tok_1',
  data: { number, expiration_month: 12, expiration_year: EXP_YEAR },
  ...extra,
});
const bareWalletToken = { id: 'wt_1', card: { last4: '4242', expiration_month: 12, expiration_year: EXP_YEAR } };

describe('Basis Theory provider with sparse answers', () => {
  let next: FakeReply = { status: 200 };
  const server = new FakeHttpServer(() => next);
  let bt: BasisTheoryProvider;
  beforeAll(async () => {
    await server.start();
    bt = new BasisTheoryProvider({ baseUrl: server.url, apiKey: 'key_test', timeoutMs: 2_000, retriesMax: 0, backoffBaseMs: 5 });
  });
  afterAll(() => server.stop());

  it('when a network token has no ECI, then eci is sent as null; a token without metadata reads as a card branded by its number', async () => {
    next = { status: 200, body: bareToken('5555555555554444') };
    const token = await bt.createFromNetworkToken({ wallet: 'google_pay', dpan: '5555 5555 5555 4444', expMonth: 12, expYear: EXP_YEAR });
    expect(server.requests.at(-1)!.body).toMatchObject({ type: 'token', data: { number: '5555555555554444', eci: null } });
    expect(token).toEqual({
      providerTokenId: 'tok_1',
      type: 'card',
      brand: 'mastercard',
      last4: '4444',
      expMonth: 12,
      expYear: EXP_YEAR,
      fingerprint: null,
    });
  });

  it("when a token has no metadata brand, then Basis Theory's card enrichment names it, else the number", async () => {
    next = { status: 200, body: bareToken('4242424242424242', { enrichments: { card_details: { brand: 'visa' } } }) };
    await expect(bt.retrieve('tok_1')).resolves.toMatchObject({ type: 'card', brand: 'visa', fingerprint: null });
    next = { status: 200, body: bareToken('5555555555554444', { metadata: { ocp_type: 'apple_pay' } }) };
    await expect(bt.retrieve('tok_1')).resolves.toMatchObject({ type: 'apple_pay', brand: 'mastercard' });
  });

  it('when the number comes back masked, then the brand is read from the digits before the mask only', async () => {
    next = { status: 200, body: bareToken('XXXXXXXXXXXX4444') };
    await expect(bt.retrieve('tok_1')).resolves.toMatchObject({ brand: 'unknown', last4: '4444' });
    next = { status: 200, body: bareToken('555555XXXXXX4444') };
    await expect(bt.retrieve('tok_1')).resolves.toMatchObject({ brand: 'mastercard', last4: '4444' });
  });

  it('when decrypted wallet data comes back flat, without brand or fingerprint, then the token is unknown-brand with a null fingerprint', async () => {
    next = { status: 200, body: bareWalletToken };
    await expect(bt.createFromWalletPaymentData('google_pay', { signature: 'x' })).resolves.toEqual({
      providerTokenId: 'google-pay:wt_1',
      type: 'google_pay',
      brand: 'unknown',
      last4: '4242',
      expMonth: 12,
      expYear: EXP_YEAR,
      fingerprint: null,
    });
    expect(server.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/google-pay',
      body: { google_payment_data: { signature: 'x' } },
    });
  });

  it('when a wallet token is retrieved without brand or fingerprint, then the same defaults apply', async () => {
    next = { status: 200, body: bareWalletToken };
    await expect(bt.retrieve('apple-pay:wt_1')).resolves.toEqual({
      providerTokenId: 'apple-pay:wt_1',
      type: 'apple_pay',
      brand: 'unknown',
      last4: '4242',
      expMonth: 12,
      expYear: EXP_YEAR,
      fingerprint: null,
    });
    expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: '/apple-pay/wt_1' });
  });
});
