import { FakeHttpServer, type FakeReply } from '../../support/fake-http-server';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/** Issue 15: what a card provider answers is checked before it is stored; a bad answer is a 503, never a 500. */
const CARD = { number: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123' };
const method = (card: Record<string, unknown>) => ({
  status: 200,
  body: { id: 'pm_1', type: 'card', card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030, ...card } },
});

describe('POST /api/v1/tokens when the provider answers out of bounds', () => {
  let next: FakeReply = method({});
  const server = new FakeHttpServer(() => next);
  let t: TestApp;
  beforeAll(async () => {
    await server.start();
    t = await startTestApp({
      TOKEN_PROVIDER: 'stripe',
      STRIPE_API_URL: server.url,
      STRIPE_SECRET_KEY: 'sk_test_x',
      PROVIDER_TIMEOUT_MS: '2000',
      PROVIDER_RETRIES_MAX: '1',
      PROVIDER_BACKOFF_BASE_MS: '5',
      PROVIDER_RESPONSE_BYTES_MAX: '100000',
    });
  });
  afterAll(async () => {
    await t.close();
    await server.stop();
  });

  it.each([
    ['exp_year 99999', { exp_year: 99999 }],
    ['a 60 kB brand', { brand: 'b'.repeat(60_000) }],
    ['an answer over PROVIDER_RESPONSE_BYTES_MAX', { brand: 'b'.repeat(200_000) }],
  ])('when it answers %s, then 503 token_provider_unavailable and no token is stored', async (_name, card) => {
    const user = await registerUser(t);
    next = method(card);
    const res = await t.http().post('/api/v1/tokens').set(user.auth).send({ type: 'card', data: CARD });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'token_provider_unavailable', requestId: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain('bbbbbbbb');
    expect((await t.container.db.query('SELECT 1 FROM payment_tokens WHERE owner_id = $1', [user.id])).rowCount).toBe(0);
  });
});
