import { createMerchant, merchantClientAuth } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('merchant API clients', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("when a merchant's API client gets a token, then it manages that merchant's products", async () => {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    const { auth } = await merchantClientAuth(t, owner, merchant.id);
    const base = `/api/v1/merchants/${merchant.id}/products`;
    const created = await t
      .http()
      .post(base)
      .set(auth)
      .send({ id: 'api-1', title: 'From the server', price: { amount: '700', currency: 'USD' } });
    expect(created.status).toBe(201);
    expect((await t.http().patch(`${base}/api-1`).set(auth).send({ stock: 5 })).body.stock).toBe(5);
    expect((await t.http().get(base).set(auth)).body.data.map((p: { id: string }) => p.id)).toEqual(['api-1']);
    expect((await t.http().get(`/api/v1/merchants/${merchant.id}`).set(auth)).body.id).toBe(merchant.id);
    expect((await t.http().get('/api/v1/merchants').set(auth)).body.data.map((m: { id: string }) => m.id)).toEqual([merchant.id]);
    expect((await t.http().delete(`${base}/api-1`).set(auth)).status).toBe(204);
    expect((await t.http().get(base).set(owner.auth)).body.data).toEqual([]);
  });

  it('when a client bound to merchant A touches merchant B, even of the same owner, then 404', async () => {
    const owner = await registerUser(t);
    const a = await createMerchant(t, owner);
    const b = await createMerchant(t, owner);
    await t
      .http()
      .post(`/api/v1/merchants/${b.id}/products`)
      .set(owner.auth)
      .send({ id: 'p', title: 'P', price: { amount: '1', currency: 'USD' } });
    const { auth } = await merchantClientAuth(t, owner, a.id);
    for (const res of [
      await t.http().get(`/api/v1/merchants/${b.id}`).set(auth),
      await t.http().get(`/api/v1/merchants/${b.id}/products`).set(auth),
      await t.http().get(`/api/v1/merchants/${b.id}/products/p`).set(auth),
      await t
        .http()
        .post(`/api/v1/merchants/${b.id}/products`)
        .set(auth)
        .send({ id: 'q', title: 'Q', price: { amount: '1', currency: 'USD' } }),
      await t.http().patch(`/api/v1/merchants/${b.id}/products/p`).set(auth).send({ title: 'Mine' }),
      await t.http().delete(`/api/v1/merchants/${b.id}/products/p`).set(auth),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('merchant_not_found');
    }
    expect((await t.http().get(`/api/v1/merchants/${b.id}/products/p`).set(owner.auth)).body.title).toBe('P');
  });

  it("when a merchant's client tries the owner's powers or the owner's wallets, then 403", async () => {
    const owner = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    const { auth } = await merchantClientAuth(t, owner, merchant.id);
    for (const res of [
      await t.http().patch(`/api/v1/merchants/${merchant.id}`).set(auth).send({ displayName: 'Hijacked' }),
      await t.http().post(`/api/v1/merchants/${merchant.id}/api-clients`).set(auth).send({ name: 'another' }),
      await t.http().post('/api/v1/merchants').set(auth).send({ walletId: merchant.walletId, displayName: 'x' }),
      await t.http().get(`/api/v1/wallets/${merchant.walletId}`).set(auth),
    ]) {
      expect(res.status).toBe(403);
    }
  });

  it('when the owner lists and revokes a client, then its secret never shows again and its token is refused at once', async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    const { client, auth } = await merchantClientAuth(t, owner, merchant.id);
    const list = await t.http().get(`/api/v1/merchants/${merchant.id}/api-clients`).set(owner.auth);
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([
      expect.objectContaining({
        id: client.id,
        clientId: client.clientId,
        permissions: ['merchant:read', 'merchant:products:write', 'merchant:payments:redeem'],
        revokedAt: null,
      }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain('clientSecret');

    const foreign = await t.http().delete(`/api/v1/merchants/${merchant.id}/api-clients/${client.id}`).set(other.auth);
    expect(foreign.status).toBe(404);
    expect((await t.http().get(`/api/v1/merchants/${merchant.id}`).set(auth)).status).toBe(200);

    expect((await t.http().delete(`/api/v1/merchants/${merchant.id}/api-clients/${client.id}`).set(owner.auth)).status).toBe(204);
    expect((await t.http().get(`/api/v1/merchants/${merchant.id}`).set(auth)).status).toBe(401);
    const again = await t.http().delete(`/api/v1/merchants/${merchant.id}/api-clients/${client.id}`).set(owner.auth);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('merchant_api_client_not_found');
  });

  it("when a client of another merchant is revoked through this merchant's path, then 404 and it keeps working", async () => {
    const owner = await registerUser(t);
    const a = await createMerchant(t, owner);
    const b = await createMerchant(t, owner);
    const { client, auth } = await merchantClientAuth(t, owner, b.id);
    const res = await t.http().delete(`/api/v1/merchants/${a.id}/api-clients/${client.id}`).set(owner.auth);
    expect(res.status).toBe(404);
    expect((await t.http().get(`/api/v1/merchants/${b.id}`).set(auth)).status).toBe(200);
  });
});
