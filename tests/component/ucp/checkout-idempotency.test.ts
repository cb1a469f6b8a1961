import { randomUUID } from 'node:crypto';
import { createMerchant } from '../../support/merchants';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { addProduct, createCheckout, expectCheckout, expectUcpError, UCP_AGENT, updateCheckout } from '../../support/ucp-checkout';

describe('UCP checkout writes with Idempotency-Key', () => {
  let t: TestApp;
  let merchantId: string;
  beforeAll(async () => {
    t = await startTestApp();
    const owner = await registerUser(t);
    merchantId = (await createMerchant(t, owner)).id;
    await addProduct(t, owner, merchantId, { id: 'mug', title: 'Mug', price: 999 });
  });
  afterAll(() => t.close());

  const sessions = async () =>
    Number(
      (await t.container.db.query<{ n: string }>('SELECT count(*) AS n FROM checkout_sessions WHERE merchant_id = $1', [merchantId]))
        .rows[0]!.n,
    );

  it('when a create is repeated with the same key and body, then the first reply comes back and one session exists', async () => {
    const before = await sessions();
    const key = randomUUID();
    const body = { line_items: [{ item: { id: 'mug' }, quantity: 2 }] };
    const first = expectCheckout(await createCheckout(t, merchantId, body, { ...UCP_AGENT, 'Idempotency-Key': key }), 201);
    const again = await createCheckout(t, merchantId, body, { ...UCP_AGENT, 'Idempotency-Key': key });
    expect(expectCheckout(again, 201)).toEqual(first);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await sessions()).toBe(before + 1);
  });

  it('when a key is reused with another body, then 409 as the REST binding says, as a UCP message', async () => {
    const key = randomUUID();
    expectCheckout(
      await createCheckout(t, merchantId, { line_items: [{ item: { id: 'mug' }, quantity: 1 }] }, { ...UCP_AGENT, 'Idempotency-Key': key }),
      201,
    );
    const other = await createCheckout(
      t,
      merchantId,
      { line_items: [{ item: { id: 'mug' }, quantity: 3 }] },
      { ...UCP_AGENT, 'Idempotency-Key': key },
    );
    expectUcpError(other, 409, 'idempotency_conflict');
  });

  it('when another platform (another UCP-Agent profile) uses the same key, then its request is its own', async () => {
    const key = randomUUID();
    const body = { line_items: [{ item: { id: 'mug' }, quantity: 1 }] };
    const a = expectCheckout(await createCheckout(t, merchantId, body, { ...UCP_AGENT, 'Idempotency-Key': key }), 201);
    const b = expectCheckout(
      await createCheckout(t, merchantId, body, { 'UCP-Agent': 'profile="https://other.example/p"', 'Idempotency-Key': key }),
      201,
    );
    expect(b.id).not.toBe(a.id);
  });

  it('when an update is repeated with the same key, then it is applied once and replayed', async () => {
    const created = expectCheckout(await createCheckout(t, merchantId, { line_items: [{ item: { id: 'mug' }, quantity: 1 }] }), 201);
    const key = randomUUID();
    const body = { line_items: [{ item: { id: 'mug' }, quantity: 4 }] };
    const first = expectCheckout(await updateCheckout(t, merchantId, created.id, body, { ...UCP_AGENT, 'Idempotency-Key': key }), 200);
    const again = await updateCheckout(t, merchantId, created.id, body, { ...UCP_AGENT, 'Idempotency-Key': key });
    expect(expectCheckout(again, 200)).toEqual(first);
    const version = await t.container.db.query<{ version: number }>('SELECT version FROM checkout_sessions WHERE id = $1', [created.id]);
    expect(version.rows[0]!.version).toBe(2);
  });

  it('when the key is malformed, then 400; without a key, writes still work (the binding makes it optional)', async () => {
    const bad = await createCheckout(t, merchantId, { line_items: [] }, { ...UCP_AGENT, 'Idempotency-Key': 'x'.repeat(256) });
    expectUcpError(bad, 400, 'validation_failed');
    expectCheckout(await createCheckout(t, merchantId, { line_items: [] }), 201);
  });
});
