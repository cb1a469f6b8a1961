import type { LookupFunction } from 'node:net';
import { newEvent } from '../../../src/shared/events';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWebhook, deliveriesOf, startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

const MAX_ATTEMPTS = 2;
const REBOUND_HOST = 'rebound.example.test';

/** DNS as an attacker controls it: the name answers the loopback address (a rebinding, say). */
const lookup: LookupFunction = (hostname, options, callback) => {
  if (hostname !== REBOUND_HOST) return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

/** What production does by default: webhooks reach only public addresses (SSRF). */
describe('webhooks when private targets are not allowed', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    t = await startTestApp(
      {
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false',
        WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        WEBHOOK_BACKOFF_BASE_MS: '1',
        WEBHOOK_BACKOFF_MAX_MS: '5',
      },
      { webhookLookup: lookup },
    );
  });
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(() => receiver.close());
  afterAll(() => t.close());

  it.each([
    'https://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'https://10.0.0.5/hooks',
    'https://172.16.3.4/hooks',
    'https://192.168.0.10/hooks',
    'https://[::1]/hooks',
    'https://[::ffff:127.0.0.1]/hooks',
    'https://[fd00::5]/hooks',
    'https://2130706433/hooks',
    'https://0x7f.1/hooks',
    'https://localhost/hooks',
    'http://127.0.0.1:4000/hooks',
  ])('when %s is registered, then 400 naming body.url, and nothing is stored', async (url) => {
    const user = await registerUser(t);
    const res = await t
      .http()
      .post('/api/v1/webhooks')
      .set(user.auth)
      .send({ url, events: ['*'] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.fields).toEqual([
      { field: 'body.url', message: 'must not point at a private, loopback, link-local or reserved address' },
    ]);
    expect((await t.http().get('/api/v1/webhooks').set(user.auth)).body.data).toEqual([]);
  });

  it('when a public host is registered, then it is accepted (names are checked when delivering)', async () => {
    const user = await registerUser(t);
    await createWebhook(t, user.auth, 'https://hooks.example.com/ocp');
  });

  /** An endpoint whose stored URL now points inside: as after a DNS change, or registered before the policy. */
  async function endpointPointingAt(url: string) {
    const user = await registerUser(t);
    const endpoint = await createWebhook(t, user.auth, 'https://hooks.example.com/ocp');
    await t.container.db.query('UPDATE webhook_endpoints SET url = $2 WHERE id = $1', [endpoint.id, url]);
    const event = newEvent('transfer.completed', user.id, { transferId: 'tr_1' });
    await t.container.db.transaction((tx) => t.container.webhooks.outbox.enqueue(tx, [event]));
    return event;
  }

  async function runUntilSettled(eventId: string) {
    for (let run = 0; run < 50; run++) {
      await t.container.webhooks.worker.runOnce();
      const [delivery] = await deliveriesOf(t, eventId);
      if (delivery && delivery.status !== 'pending') return delivery;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('delivery did not settle');
  }

  it('when the host name resolves to a loopback address at delivery, then nothing is sent and the attempt fails with target_address_not_allowed', async () => {
    const event = await endpointPointingAt(receiver.url.replace('127.0.0.1', REBOUND_HOST));

    expect(await t.container.webhooks.worker.runOnce()).toEqual({ claimed: 1, delivered: 0, retried: 1, failed: 0 });
    const [first] = await deliveriesOf(t, event.id);
    expect(first).toEqual(expect.objectContaining({ status: 'pending', attempts: 1 }));
    // The name the owner gave, not the address it resolved to: the endpoint's owner reads this error,
    // and the operator's internal names are not theirs to map.
    expect(first!.last_error).toBe('target_address_not_allowed (rebound.example.test)');

    // Retried like any failed attempt (the name may be fixed), and failed after the last one.
    expect(await runUntilSettled(event.id)).toEqual(
      expect.objectContaining({
        status: 'failed',
        attempts: MAX_ATTEMPTS,
        last_error: expect.stringMatching(/^target_address_not_allowed/),
      }),
    );
    expect(receiver.received).toHaveLength(0);
  });

  it.each([
    ['a private IP literal (which skips DNS)', (url: string) => url, 'target_address_not_allowed (127.0.0.1)'],
    ['localhost', (url: string) => url.replace('127.0.0.1', 'localhost'), 'target_address_not_allowed (localhost)'],
  ])('when the stored URL names %s, then it is refused before connecting', async (_case, pointInside, error) => {
    const event = await endpointPointingAt(pointInside(receiver.url));
    const settled = await runUntilSettled(event.id);
    expect(settled).toEqual(expect.objectContaining({ status: 'failed', last_error: error }));
    expect(receiver.received).toHaveLength(0);
  });
});
