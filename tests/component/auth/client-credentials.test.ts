import jwt from 'jsonwebtoken';
import { loginAdmin, startTestApp, type TestApp } from '../../support/test-app';

describe('POST /api/v1/auth/token (server-to-server)', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof loginAdmin>>;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await loginAdmin(t);
  });
  afterAll(() => t.close());

  async function createClient(permissions: string[]) {
    const res = await t.http().post('/api/v1/admin/api-clients').set(admin.auth).send({ name: 'svc', permissions });
    expect(res.status).toBe(201);
    return res.body as { id: string; clientId: string; clientSecret: string };
  }
  const exchange = (clientId: string, clientSecret: string) => t.http().post('/api/v1/auth/token').send({ clientId, clientSecret });

  it('when the credentials are right, then a service JWT carrying the granted permissions', async () => {
    const client = await createClient(['wallet:read', 'transaction:read']);
    const res = await exchange(client.clientId, client.clientSecret);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accessToken: expect.any(String), expiresIn: 900 });
    const claims = jwt.verify(res.body.accessToken, t.config.JWT_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: client.id, role: 'service', permissions: ['wallet:read', 'transaction:read'] });
    expect(claims.exp! - claims.iat!).toBe(900);
  });

  it('when the service token is used on an admin route, then 403', async () => {
    const client = await createClient(['wallet:read']);
    const { body } = await exchange(client.clientId, client.clientSecret);
    const res = await t
      .http()
      .post('/api/v1/admin/api-clients')
      .set('Authorization', `Bearer ${body.accessToken}`)
      .send({ name: 'x', permissions: [] });
    expect(res.status).toBe(403);
  });

  it('when the secret is wrong, then 401 invalid_client', async () => {
    const client = await createClient([]);
    const res = await exchange(client.clientId, `${client.clientSecret}x`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_client');
  });

  it('when the client id is unknown, then 401 invalid_client', async () => {
    const res = await exchange('ci_unknown', 'whatever');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_client');
  });

  it('when the client was revoked, then 401 invalid_client', async () => {
    const client = await createClient(['wallet:read']);
    expect((await exchange(client.clientId, client.clientSecret)).status).toBe(200);
    const revoke = await t.http().delete(`/api/v1/admin/api-clients/${client.id}`).set(admin.auth);
    expect(revoke.status).toBe(204);
    const res = await exchange(client.clientId, client.clientSecret);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_client');
  });

  it('when an admin revokes the client, then the token it already holds gets 401 token_revoked at once', async () => {
    const client = await createClient(['wallet:read']);
    const other = await createClient(['wallet:read']);
    const bearer = async (c: { clientId: string; clientSecret: string }) => ({
      Authorization: `Bearer ${(await exchange(c.clientId, c.clientSecret)).body.accessToken}`,
    });
    const held = await bearer(client);
    const otherHeld = await bearer(other);
    const probe = (auth: Record<string, string>) => t.http().get('/api/v1/wallets').set(auth);
    expect((await probe(held)).status).toBe(200);

    expect((await t.http().delete(`/api/v1/admin/api-clients/${client.id}`).set(admin.auth)).status).toBe(204);

    const after = await probe(held);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('token_revoked');
    expect((await probe(otherHeld)).status).toBe(200);
    expect((await probe(admin.auth)).status).toBe(200);
  });

  it('when a field is missing, then 400 naming it', async () => {
    const res = await t.http().post('/api/v1/auth/token').send({ clientId: 'ci_x' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['body.clientSecret']);
  });
});
