import { randomUUID } from 'node:crypto';
import type { ChargeRequest } from '../../../src/modules/payment/processor/payment-processor';
import { Unavailable } from '../../../src/shared/errors';
import { balanceOf, ledgerInvariants } from '../../support/ledger';
import { createMobilePayFixtures } from '../../support/mobile-pay-config';
import { appleToken, googleToken, mobileChargesOf, openSession, processPayment } from '../../support/mobile-payments';
import { sandbox } from '../../support/payments';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * Faults injected into the real sandbox processor: it is down, or the wallet is frozen while the
 * charge is at the processor (it succeeded, the credit then fails). Money is never lost either way.
 */
describe('Apple Pay and Google Pay /process when the processor or the ledger fails half-way', () => {
  let t: TestApp;
  let fixtures: Awaited<ReturnType<typeof createMobilePayFixtures>>;
  beforeAll(async () => {
    fixtures = await createMobilePayFixtures();
    t = await startTestApp(fixtures.env);
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const reconciliation = async (chargeId: string) =>
    (
      await t.container.db.query<{ reason: string; resolved_at: Date | null }>(
        'SELECT reason, resolved_at FROM funding_reconciliation WHERE charge_id = $1',
        [chargeId],
      )
    ).rows[0];

  it('when the processor is down, then 503 processor_unavailable, the charge stays pending, and a retry with the key credits once', async () => {
    const { user, wallet, sessionId } = await openSession(t, 'apple-pay');
    const processor = sandbox(t);
    const real = processor.charge.bind(processor);
    const spy = jest.spyOn(processor, 'charge').mockImplementationOnce(async () => {
      throw new Unavailable('The processor could not be reached', 'processor_unavailable');
    });
    const body = { sessionId, paymentData: appleToken(fixtures) };
    const key = randomUUID();
    const down = await processPayment(t, 'apple-pay', user.auth, body, key);
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('processor_unavailable');
    expect(await balanceOf(t, wallet.id)).toBe(0n);
    expect(await mobileChargesOf(t, wallet.id)).toEqual([expect.objectContaining({ status: 'pending' })]);

    spy.mockImplementation(real);
    const retried = await processPayment(t, 'apple-pay', user.auth, body, key);
    expect(retried.status).toBe(201);
    expect(await balanceOf(t, wallet.id)).toBe(1050n);
    const chargeIds = spy.mock.calls.map(([request]) => (request as ChargeRequest).chargeId);
    expect(new Set(chargeIds).size).toBe(1);
    expect(await mobileChargesOf(t, wallet.id)).toEqual([expect.objectContaining({ status: 'credited' })]);
  });

  it('when the charge succeeds but the wallet is frozen meanwhile, then it goes to funding_reconciliation; a retry after unfreezing credits it without charging again', async () => {
    const { user, wallet, sessionId } = await openSession(t, 'google-pay');
    const processor = sandbox(t);
    const real = processor.charge.bind(processor);
    jest.spyOn(processor, 'charge').mockImplementationOnce(async (request) => {
      await t.http().patch(`/api/v1/wallets/${wallet.id}`).set(user.auth).send({ status: 'frozen' });
      return real(request);
    });
    const body = { sessionId, paymentData: googleToken(fixtures) };
    const key = randomUUID();
    const res = await processPayment(t, 'google-pay', user.auth, body, key);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('wallet_not_active');
    expect(await balanceOf(t, wallet.id)).toBe(0n);
    const [charge] = await mobileChargesOf(t, wallet.id);
    expect(charge).toMatchObject({ status: 'succeeded', purpose: 'google_pay' });
    expect(await reconciliation(charge!.id)).toMatchObject({ reason: 'wallet_not_active', resolved_at: null });

    await t.http().patch(`/api/v1/wallets/${wallet.id}`).set(user.auth).send({ status: 'active' });
    const charged = processor.chargesMade;
    const retried = await processPayment(t, 'google-pay', user.auth, body, key);
    expect(retried.status).toBe(201);
    expect(processor.chargesMade).toBe(charged);
    expect(await balanceOf(t, wallet.id)).toBe(1050n);
    expect((await reconciliation(charge!.id))!.resolved_at).not.toBeNull();
    expect(await ledgerInvariants(t)).toMatchObject({ totalBalance: 0n, unbalancedTransfers: 0 });
  });
});
