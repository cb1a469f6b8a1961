import { randomUUID } from 'node:crypto';
import { registerAgent } from '../../support/agents';
import { createWallet, type TestUser } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/** Issue 15: input the fuzzer found turning into 500s is refused at the edge with a 400 and the error object. */
describe('hostile input is refused at the edge', () => {
  let t: TestApp;
  let user: TestUser;
  let walletId: string;
  beforeAll(async () => {
    t = await startTestApp();
    user = await registerUser(t);
    walletId = (await createWallet(t, user)).id;
  });
  afterAll(() => t.close());

  const expectRefused = (res: { status: number; body: { error?: { code?: string; requestId?: string } } }) => {
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', requestId: expect.any(String) });
  };

  it('when a path id carries a NUL byte, then 400 instead of the database refusing it', async () => {
    expectRefused(await t.http().get('/api/v1/wallets/a%00b').set(user.auth));
    expectRefused(await t.http().get('/api/v1/tokens/%00').set(user.auth));
  });

  it('when a query value carries a NUL byte, then 400', async () => {
    expectRefused(await t.http().get(`/api/v1/wallets/${walletId}/transactions?type=a%00`).set(user.auth));
  });

  it('when a body string has a lone surrogate, then 400 and nothing is stored', async () => {
    const res = await t
      .http()
      .post('/api/v1/agents')
      .set(user.auth)
      .set('content-type', 'application/json')
      .send('{"name":"bot\\ud800","walletId":"' + walletId + '"}');
    expectRefused(res);
    expect(res.body.error.details.fields).toEqual([{ field: 'body.name', message: expect.stringContaining('surrogate') }]);
    const { rows } = await t.container.db.query('SELECT 1 FROM agents WHERE owner_id = $1', [user.id]);
    expect(rows).toHaveLength(0);
  });

  it('when a body key carries a NUL byte, then 400', async () => {
    expectRefused(
      await t.http().post('/api/v1/wallets').set(user.auth).set('content-type', 'application/json').send('{"currency":"USD","a\\u0000":1}'),
    );
  });

  it('when metadata has a __proto__ key, then 400 naming it instead of the key vanishing unvalidated', async () => {
    const res = await t
      .http()
      .patch(`/api/v1/wallets/${walletId}`)
      .set(user.auth)
      .set('content-type', 'application/json')
      .send('{"metadata":{"__proto__":{"deep":[1]},"kept":"no"}}');
    expectRefused(res);
    expect(res.body.error.details.fields).toEqual([{ field: 'body.metadata.__proto__', message: 'is not accepted as a key' }]);
    expect((await t.http().get(`/api/v1/wallets/${walletId}`).set(user.auth)).body.metadata).toEqual({});
  });

  it('when a JSON body is sent as another type, then 415 unsupported_content_type instead of blaming its fields', async () => {
    const body = JSON.stringify({ currency: 'USD' });
    for (const type of ['text/plain', 'application/vnd.api+json', 'application/x-www-form-urlencoded']) {
      const res = await t.http().post('/api/v1/wallets').set(user.auth).set('content-type', type).send(body);
      expect(res.status).toBe(415);
      expect(res.body.error).toMatchObject({ code: 'unsupported_content_type', requestId: expect.any(String) });
    }
    // No body at all is still validated as one: the fields it lacks are named.
    const empty = await t
      .http()
      .post('/api/v1/wallet/transfer')
      .set(user.auth)
      .set('Idempotency-Key', randomUUID())
      .set('content-type', 'text/plain');
    expectRefused(empty);
    const { rows } = await t.container.db.query('SELECT 1 FROM wallets WHERE user_id = $1', [user.id]);
    expect(rows).toHaveLength(1);
  });

  it('when the JSON of an idempotent route is nested 20,000 deep, then 400 instead of a stack overflow', async () => {
    const agent = await registerAgent(t, { owner: user, walletId });
    const body = '['.repeat(20_000) + ']'.repeat(20_000);
    const res = await t
      .http()
      .post(`/api/v1/agents/approvals/${agent.id}/approve`)
      .set(user.auth)
      .set('Idempotency-Key', randomUUID())
      .set('content-type', 'application/json')
      .send(body);
    expectRefused(res);
    expect(res.body.error.message).toContain('nested deeper than 32');
  });

  it.each(['0000-01-01T00:00:00Z', '-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z'])(
    'when a date filter is %s, then 400 naming the field',
    async (date) => {
      const res = await t.http().get(`/api/v1/wallets/${walletId}/transactions`).query({ from: date }).set(user.auth);
      expectRefused(res);
    },
  );

  it.each([
    ['year 0000', ['0000-01-01T00:00:00.000Z', 'x']],
    ['an expanded year', ['+275760-09-13T00:00:00.000Z', 'x']],
    ['a BC year', ['-271821-04-20T00:00:00.000Z', 'x']],
    ['a NUL in its id', ['2026-01-01T00:00:00.000Z', 'a\u0000b']],
  ])('when a forged cursor has %s, then 400 invalid cursor', async (_name, cursor) => {
    const forged = Buffer.from(JSON.stringify(cursor)).toString('base64url');
    const res = await t.http().get(`/api/v1/wallets/${walletId}/transactions`).query({ cursor: forged }).set(user.auth);
    expectRefused(res);
    expect(res.body.error.message).toContain('not a valid cursor');
  });

  it('when a mandate expiresAt is not a date, then 400 instead of a 500 from the future check', async () => {
    const agent = await registerAgent(t, { owner: user, walletId });
    const res = await t.http().post(`/api/v1/agents/${agent.id}/mandates`).set(user.auth).send({ constraints: {}, expiresAt: 'soon' });
    expectRefused(res);
    expect(res.body.error.details.fields).toEqual([expect.objectContaining({ field: 'body.expiresAt' })]);
  });
});
