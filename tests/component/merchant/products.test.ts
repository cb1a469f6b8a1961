import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('merchant products', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const productCount = async (merchantId: string) =>
    Number(
      (await t.container.db.query<{ n: string }>('SELECT count(*) AS n FROM merchant_products WHERE merchant_id = $1', [merchantId]))
        .rows[0]!.n,
    );

  it('when the owner adds, reads, changes and deletes a product, then each step shows in the catalog', async () => {
    const user = await registerUser(t);
    const merchant = await createMerchant(t, user);
    const base = `/api/v1/merchants/${merchant.id}/products`;
    const created = await t
      .http()
      .post(base)
      .set(user.auth)
      .send({
        id: 'book-042',
        title: 'A Book',
        price: { amount: '1999', currency: 'USD' },
        stock: 3,
        imageUrl: 'https://img.example.com/b.jpg',
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'book-042',
      merchantId: merchant.id,
      title: 'A Book',
      price: { amount: '1999', currency: 'USD' },
      stock: 3,
      imageUrl: 'https://img.example.com/b.jpg',
    });

    const generated = await t
      .http()
      .post(base)
      .set(user.auth)
      .send({ title: 'Gift card', price: { amount: '5000', currency: 'USD' } });
    expect(generated.status).toBe(201);
    expect(generated.body.id).toMatch(/^prd_/);
    expect(generated.body).toMatchObject({ stock: null, imageUrl: null });

    const list = await t.http().get(`${base}?limit=1`).set(user.auth);
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([generated.body.id]);
    const rest = await t.http().get(`${base}?limit=1&cursor=${list.body.nextCursor}`).set(user.auth);
    expect(rest.body.data.map((p: { id: string }) => p.id)).toEqual(['book-042']);

    const patched = await t
      .http()
      .patch(`${base}/book-042`)
      .set(user.auth)
      .send({ title: 'A Better Book', price: { amount: '2500', currency: 'USD' }, stock: null, imageUrl: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'A Better Book', price: { amount: '2500', currency: 'USD' }, stock: null, imageUrl: null });
    expect((await t.http().get(`${base}/book-042`).set(user.auth)).body).toEqual(patched.body);

    expect((await t.http().delete(`${base}/book-042`).set(user.auth)).status).toBe(204);
    const gone = await t.http().get(`${base}/book-042`).set(user.auth);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('product_not_found');
    expect((await t.http().delete(`${base}/book-042`).set(user.auth)).status).toBe(404);
    expect((await t.http().patch(`${base}/book-042`).set(user.auth).send({ stock: 1 })).status).toBe(404);
  });

  it('when a product id is used twice in one catalog, then 409 product_exists; another merchant may use it', async () => {
    const user = await registerUser(t);
    const first = await createMerchant(t, user);
    const second = await createMerchant(t, user);
    const body = { id: 'sku-1', title: 'Thing', price: { amount: '100', currency: 'USD' } };
    expect((await t.http().post(`/api/v1/merchants/${first.id}/products`).set(user.auth).send(body)).status).toBe(201);
    const again = await t
      .http()
      .post(`/api/v1/merchants/${first.id}/products`)
      .set(user.auth)
      .send({ ...body, title: 'Other' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('product_exists');
    expect((await t.http().get(`/api/v1/merchants/${first.id}/products/sku-1`).set(user.auth)).body.title).toBe('Thing');
    expect((await t.http().post(`/api/v1/merchants/${second.id}/products`).set(user.auth).send(body)).status).toBe(201);
  });

  it("when a price is not in the merchant's currency, then 422 merchant_currency_mismatch and nothing changes", async () => {
    const user = await registerUser(t);
    const merchant = await createMerchant(t, user, 'EUR');
    const base = `/api/v1/merchants/${merchant.id}/products`;
    const res = await t
      .http()
      .post(base)
      .set(user.auth)
      .send({ id: 'x', title: 'X', price: { amount: '100', currency: 'USD' } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'merchant_currency_mismatch', details: { currency: 'EUR' } });
    expect(await productCount(merchant.id)).toBe(0);

    await t
      .http()
      .post(base)
      .set(user.auth)
      .send({ id: 'x', title: 'X', price: { amount: '100', currency: 'EUR' } })
      .expect(201);
    const patch = await t
      .http()
      .patch(`${base}/x`)
      .set(user.auth)
      .send({ price: { amount: '200', currency: 'USD' } });
    expect(patch.status).toBe(422);
    expect((await t.http().get(`${base}/x`).set(user.auth)).body.price).toEqual({ amount: '100', currency: 'EUR' });
  });

  it('when a field is out of bounds or malformed, then 400 and nothing is written', async () => {
    const user = await registerUser(t);
    const merchant = await createMerchant(t, user);
    const base = `/api/v1/merchants/${merchant.id}/products`;
    const good = { title: 'T', price: { amount: '100', currency: 'USD' } };
    for (const body of [
      { ...good, price: { amount: '1000000000000001', currency: 'USD' } },
      { ...good, price: { amount: '9'.repeat(400), currency: 'USD' } },
      { ...good, price: { amount: 100, currency: 'USD' } },
      { ...good, price: { amount: '0', currency: 'USD' } },
      { ...good, price: { amount: '-5', currency: 'USD' } },
      { ...good, price: { amount: '1.5', currency: 'USD' } },
      { ...good, price: { amount: '100', currency: 'XYZ' } },
      { ...good, stock: -1 },
      { ...good, stock: 1.5 },
      { ...good, stock: 1e12 },
      { ...good, stock: '3' },
      { ...good, title: 'nul\u0000byte' },
      { ...good, title: 'lone \ud800 surrogate' },
      { ...good, title: 'bell\u0007' },
      { ...good, title: '' },
      { ...good, title: 'x'.repeat(201) },
      { ...good, imageUrl: 'http://img.example.com/a.jpg' },
      { ...good, imageUrl: 'javascript:alert(1)' },
      { ...good, imageUrl: `https://example.com/${'a'.repeat(2100)}` },
      { ...good, id: 'has space' },
      { ...good, id: 'x'.repeat(65) },
      { ...good, id: '../etc' },
      { ...good, merchantId: 'mer_other' },
    ]) {
      const res = await t.http().post(base).set(user.auth).send(body);
      expect([res.status, body]).toEqual([400, body]);
    }
    const patchBodies = [{}, { stock: -1 }, { title: 'nul\u0000' }, { price: { amount: '99999999999999999999', currency: 'USD' } }];
    await t
      .http()
      .post(base)
      .set(user.auth)
      .send({ ...good, id: 'p1' })
      .expect(201);
    for (const body of patchBodies) expect((await t.http().patch(`${base}/p1`).set(user.auth).send(body)).status).toBe(400);
    expect(await productCount(merchant.id)).toBe(1);
    expect((await t.http().get(`${base}/p1`).set(user.auth)).body).toMatchObject({ title: 'T', stock: null, price: good.price });
  });

  it('when the highest amount and stock are used, then they are stored and read back exactly', async () => {
    const user = await registerUser(t);
    const merchant = await createMerchant(t, user);
    const res = await t
      .http()
      .post(`/api/v1/merchants/${merchant.id}/products`)
      .set(user.auth)
      .send({ title: 'Yacht', price: { amount: '1000000000000000', currency: 'USD' }, stock: 1_000_000_000 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ price: { amount: '1000000000000000' }, stock: 1_000_000_000 });
  });

  it("when another user touches a merchant's products, then 404 and the catalog is unchanged", async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const merchant = await createMerchant(t, owner);
    const base = `/api/v1/merchants/${merchant.id}/products`;
    await t
      .http()
      .post(base)
      .set(owner.auth)
      .send({ id: 'p', title: 'P', price: { amount: '100', currency: 'USD' } })
      .expect(201);
    for (const res of [
      await t
        .http()
        .post(base)
        .set(other.auth)
        .send({ id: 'q', title: 'Q', price: { amount: '1', currency: 'USD' } }),
      await t.http().get(`${base}/p`).set(other.auth),
      await t.http().patch(`${base}/p`).set(other.auth).send({ title: 'Mine' }),
      await t.http().delete(`${base}/p`).set(other.auth),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('merchant_not_found');
    }
    expect(await productCount(merchant.id)).toBe(1);
    expect((await t.http().get(`${base}/p`).set(owner.auth)).body.title).toBe('P');
  });
});
