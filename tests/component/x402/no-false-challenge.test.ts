import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wrapFetchWithPayment, x402Client } from '@x402/fetch';
import { STATUS_BY_KIND } from '../../../src/shared/error-catalogue';
import { createWallet } from '../../support/ledger';
import { createCardToken, TEST_CARDS } from '../../support/payments';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/** Issue #17 item 10: OCP's own refusals must not look like x402 payment challenges. */
describe('OCP answers seen by @x402/fetch', () => {
  let t: TestApp;
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    t = await startTestApp();
    server = createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it('when no error kind is catalogued, then none of them answers HTTP 402', () => {
    expect(Object.values(STATUS_BY_KIND)).not.toContain(402);
  });

  it('when a card is declined through the x402 fetch wrapper, then the wrapper hands back the 422 card_declined and never tries to pay', async () => {
    const alice = await registerUser(t);
    const wallet = await createWallet(t, alice);
    const token = await createCardToken(t, alice.auth, TEST_CARDS.declined);
    const payments: unknown[] = [];
    const client = new x402Client().register('eip155:*', {
      scheme: 'exact',
      createPaymentPayload: async (version, requirements) => {
        payments.push(requirements);
        throw new Error('an OCP answer was taken for a payment challenge');
      },
    });
    const paidFetch = wrapFetchWithPayment(fetch, client);
    const res = await paidFetch(`${baseUrl}/api/v1/wallets/${wallet.id}/fund`, {
      method: 'POST',
      headers: { ...alice.auth, 'content-type': 'application/json', 'idempotency-key': 'decline-1' },
      body: JSON.stringify({ tokenId: token.id, amount: '100' }),
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('payment-required')).toBeNull();
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('card_declined');
    expect(payments).toEqual([]);
  });
});
