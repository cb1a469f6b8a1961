import { Encryptor } from '../../../src/infra/crypto/envelope';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

const CARD = { number: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123' };

describe('POST/GET/DELETE /api/v1/tokens (local vault)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const create = (auth: Record<string, string>, data: object = CARD) =>
    t.http().post('/api/v1/tokens').set(auth).send({ type: 'card', data });

  it('when a valid card is tokenized, then only id, brand, last4 and expiry come back', async () => {
    const alice = await registerUser(t);
    const res = await create(alice.auth);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      type: 'card',
      provider: 'local',
      card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: CARD.expYear },
    });
    expect(res.body.id).toMatch(/^tok_/);
    expect(res.text).not.toContain('4242424242424242');
    expect(res.text).not.toContain('"123"');
  });

  it('when the owner reads the token, then the same view comes back; another user gets 404', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const created = await create(alice.auth);
    const mine = await t.http().get(`/api/v1/tokens/${created.body.id}`).set(alice.auth);
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual(created.body);
    const theirs = await t.http().get(`/api/v1/tokens/${created.body.id}`).set(bob.auth);
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('token_not_found');
  });

  it('when the same card is tokenized twice, then both tokens carry the same fingerprint', async () => {
    const alice = await registerUser(t);
    const one = await create(alice.auth);
    const two = await create(alice.auth, { ...CARD, number: '4242 4242 4242 4242' });
    expect(one.body.id).not.toBe(two.body.id);
    expect(one.body.card.fingerprint).toBe(two.body.card.fingerprint);
  });

  it('when the vault row is read, then the number is only inside an AES-GCM envelope bound to the row', async () => {
    const alice = await registerUser(t);
    const created = await create(alice.auth);
    const { rows } = await t.container.db.query<{ id: string; ciphertext: string }>(
      'SELECT v.id, v.ciphertext FROM token_vault v JOIN payment_tokens p ON p.provider_token_id = v.id WHERE p.id = $1',
      [created.body.id],
    );
    const row = rows[0]!;
    expect(row.ciphertext).toMatch(/^v1\.dev\./);
    expect(row.ciphertext).not.toContain('4242424242424242');
    const encryptor = new Encryptor(t.config.ENCRYPTION_KEYS);
    expect(JSON.parse(encryptor.decrypt(row.ciphertext, row.id).toString()).number).toBe('4242424242424242');
    expect(() => encryptor.decrypt(row.ciphertext, 'vlt_other')).toThrow();
  });

  it.each([
    ['a number failing Luhn', { number: '4242424242424241' }, 'body.data.number'],
    ['an expired card', { expMonth: 1, expYear: 2020 }, 'body.data.expYear'],
    ['a month out of range', { expMonth: 13 }, 'body.data.expMonth'],
    ['a short CVC', { cvc: '12' }, 'body.data.cvc'],
    ['letters in the number', { number: '4242abcd42424242' }, 'body.data.number'],
  ])('when the card has %s, then 400 names the field and nothing is stored', async (_name, change, field) => {
    const alice = await registerUser(t);
    const before = await t.container.db.query('SELECT 1 FROM token_vault');
    const res = await create(alice.auth, { ...CARD, ...change });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(res.text).not.toContain('4242424242424241');
    expect((await t.container.db.query('SELECT 1 FROM token_vault')).rowCount).toBe(before.rowCount);
  });

  it('when the body has an unknown type or extra keys, then 400', async () => {
    const alice = await registerUser(t);
    expect((await t.http().post('/api/v1/tokens').set(alice.auth).send({ type: 'bank', data: CARD })).status).toBe(400);
    expect((await create(alice.auth, { ...CARD, pin: '1234' })).status).toBe(400);
  });

  it('when the owner deletes the token, then it is gone from OCP and the vault; others cannot delete it', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const created = await create(alice.auth);
    expect((await t.http().delete(`/api/v1/tokens/${created.body.id}`).set(bob.auth)).status).toBe(404);
    expect((await t.http().delete(`/api/v1/tokens/${created.body.id}`).set(alice.auth)).status).toBe(204);
    expect((await t.http().get(`/api/v1/tokens/${created.body.id}`).set(alice.auth)).status).toBe(404);
    const vault = await t.container.db.query('SELECT 1 FROM payment_tokens WHERE id = $1', [created.body.id]);
    expect(vault.rowCount).toBe(0);
    expect((await t.http().delete(`/api/v1/tokens/${created.body.id}`).set(alice.auth)).status).toBe(404);
  });

  it('when no bearer token is sent, then 401', async () => {
    expect((await t.http().post('/api/v1/tokens').send({ type: 'card', data: CARD })).status).toBe(401);
  });

  it('when the payment rate limit is low, then token creation meets it with 429', async () => {
    const limited = await startTestApp({ RATE_LIMIT_PAYMENT_MAX: '2' });
    try {
      const alice = await registerUser(limited);
      const send = () => limited.http().post('/api/v1/tokens').set(alice.auth).send({ type: 'card', data: CARD });
      expect((await send()).status).toBe(201);
      expect((await send()).status).toBe(201);
      const third = await send();
      expect(third.status).toBe(429);
      expect(third.body.error.code).toBe('rate_limited');
    } finally {
      await limited.close();
    }
  });
});
