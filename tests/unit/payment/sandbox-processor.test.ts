import { SandboxProcessor } from '../../../src/modules/payment/processor/sandbox.processor';

const charge = (number: string, chargeId = `chg_${number}_${Math.random()}`) => ({
  chargeId,
  amount: 1000n,
  currency: 'USD',
  description: 'test',
  token: { provider: 'local', providerTokenId: 'vlt_x', last4: number.slice(-4) },
});

describe('sandbox processor', () => {
  it.each([
    ['4000000000000002', 'card_declined', 'generic_decline'],
    ['4000000000009995', 'card_declined', 'insufficient_funds'],
    ['4000000000000119', 'processing_error', undefined],
  ])('when card %s is charged, then it fails with %s', async (number, code, declineCode) => {
    const error = await new SandboxProcessor().charge(charge(number)).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'declined', code });
    if (declineCode) expect(error).toMatchObject({ details: { declineCode } });
  });

  it('when 4242424242424242 is charged, then it is approved with a processor charge id', async () => {
    await expect(new SandboxProcessor().charge(charge('4242424242424242'))).resolves.toMatchObject({
      processorChargeId: expect.stringMatching(/^sbch_/),
    });
  });

  it('when the same charge id comes again, then the first outcome is replayed and nothing is charged twice', async () => {
    const sandbox = new SandboxProcessor();
    const first = await sandbox.charge(charge('4242424242424242', 'chg_same'));
    const again = await sandbox.charge(charge('4242424242424242', 'chg_same'));
    expect(again).toEqual(first);
    expect(sandbox.chargesMade).toBe(1);
  });

  it('when a charge is refunded, then refunds beyond its amount are refused', async () => {
    const sandbox = new SandboxProcessor();
    const { processorChargeId } = await sandbox.charge(charge('4242424242424242'));
    await expect(sandbox.refund({ refundId: 'r1', processorChargeId, amount: 600n, currency: 'USD' })).resolves.toBeTruthy();
    await expect(sandbox.refund({ refundId: 'r2', processorChargeId, amount: 500n, currency: 'USD' })).rejects.toMatchObject({
      code: 'card_declined',
    });
  });
});
