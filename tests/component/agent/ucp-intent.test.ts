import { randomUUID } from 'node:crypto';
import { registerAgent, type TestAgent } from '../../support/agents';
import { balanceOf } from '../../support/ledger';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('POST /api/v1/ucp/process (compact intent payload)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const intent = (agent: TestAgent, to: TestAgent, value: unknown, currency = 'USD', key = randomUUID()) =>
    t
      .http()
      .post('/api/v1/ucp/process')
      .set(agent.auth)
      .set('Idempotency-Key', key)
      .send({ ver: '1.0', intent: 'payment', sender: { agent_id: agent.id }, recipient: { agent_id: to.id }, amount: { value, currency } });

  it('when value is "150.00" or "1.1" dollars, then exactly 15000 and 110 cents move', async () => {
    const payer = await registerAgent(t, { funds: 100_000 });
    const payee = await registerAgent(t);
    const res = await intent(payer, payee, '150.00');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ amount: '15000', source: 'ucp_intent' });
    expect((await intent(payer, payee, '1.1')).body.amount).toBe('110');
    expect(await balanceOf(t, payee.walletId)).toBe(15_110n);
  });

  it('when value has more decimals than the currency, or is a JPY fraction, then 400 on amount.value and nothing moves', async () => {
    const payer = await registerAgent(t, { funds: 100_000 });
    const payee = await registerAgent(t);
    const res = await intent(payer, payee, '1.005');
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].field).toBe('body.amount.value');
    // A JSON number is refused whatever it is: it is a binary float to the client that built it.
    for (const number of [0.1 + 0.2, 1.1, 150]) {
      const refused = await intent(payer, payee, number);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.fields[0].field).toBe('body.amount.value');
    }
    // Past the largest amount per operation (10^15 cents).
    expect((await intent(payer, payee, '10000000000000.01')).status).toBe(400);
    expect((await intent(payer, payee, '0')).status).toBe(400);
    expect((await intent(payer, payee, '-5')).status).toBe(400);
    expect(await balanceOf(t, payer.walletId)).toBe(100_000n);
  });

  it('when the sender is another agent or the version is unknown, then it is refused', async () => {
    const payer = await registerAgent(t, { funds: 100_000 });
    const payee = await registerAgent(t);
    const spoof = await t
      .http()
      .post('/api/v1/ucp/process')
      .set(payer.auth)
      .set('Idempotency-Key', randomUUID())
      .send({
        ver: '1.0',
        intent: 'transfer',
        sender: { agent_id: payee.id },
        recipient: { agent_id: payer.id },
        amount: { value: '1', currency: 'USD' },
      });
    expect(spoof.status).toBe(403);
    expect(spoof.body.error.code).toBe('sender_mismatch');
    const version = await t
      .http()
      .post('/api/v1/ucp/process')
      .set(payer.auth)
      .set('Idempotency-Key', randomUUID())
      .send({
        ver: '9',
        intent: 'transfer',
        sender: { agent_id: payer.id },
        recipient: { agent_id: payee.id },
        amount: { value: '1', currency: 'USD' },
      });
    expect(version.status).toBe(400);
    expect(version.body.error.details.fields[0].field).toBe('body.ver');
  });

  it('when the same intent is replayed with its key, then one payment', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const key = randomUUID();
    const first = await intent(payer, payee, '2.50', 'USD', key);
    const again = await intent(payer, payee, '2.50', 'USD', key);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await balanceOf(t, payee.walletId)).toBe(250n);
  });
});
