import { newEvent } from '../../../src/shared/events';
import { verifyWebhookSignature } from '../../../src/modules/webhook/signature';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { createWebhook, drainWebhooks, startWebhookReceiver, type ReceivedWebhook } from '../../support/webhook-receiver';

const DAY_S = 24 * 60 * 60;

describe('POST /webhooks/:id/rotate-secret', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_BACKOFF_BASE_MS: '1', WEBHOOK_BACKOFF_MAX_MS: '5', WEBHOOK_TIMEOUT_MS: '2000' });
  });
  afterAll(() => t.close());

  async function enqueue(userId: string) {
    const event = newEvent('refund.completed', userId, { refundId: 'rf_1' });
    await t.container.db.transaction((tx) => t.container.webhooks.outbox.enqueue(tx, [event]));
    return event;
  }
  const rotate = (auth: Record<string, string>, endpointId: string, body?: object) => {
    const req = t.http().post(`/api/v1/webhooks/${endpointId}/rotate-secret`).set(auth);
    return body === undefined ? req : req.send(body);
  };
  const signatures = (r: ReceivedWebhook) => (r.headers['ocp-signature'] as string).split(',').filter((p) => p.startsWith('v1='));
  const verifies = (r: ReceivedWebhook, secret: string) => verifyWebhookSignature(r.headers['ocp-signature'] as string, r.rawBody, secret);

  it('when rotated with the default overlap, then deliveries carry both signatures for 24 h, then only the new one', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const user = await registerUser(t);
      const endpoint = await createWebhook(t, user.auth, receiver.url);
      const before = Date.now();
      const res = await rotate(user.auth, endpoint.id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: endpoint.id, secret: expect.stringMatching(/^whsec_/), previousSecretExpiresAt: expect.any(String) });
      expect(res.body.secret).not.toBe(endpoint.secret);
      const expiresAt = Date.parse(res.body.previousSecretExpiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(before + DAY_S * 1000 - 5000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + DAY_S * 1000 + 5000);

      await enqueue(user.id);
      await drainWebhooks(t);
      const during = receiver.received[0]!;
      expect(signatures(during)).toHaveLength(2);
      expect(verifies(during, res.body.secret)).toBe(true);
      expect(verifies(during, endpoint.secret)).toBe(true);
      expect(verifies(during, 'whsec_neither')).toBe(false);

      // The overlap ends (its expiry moved to the past, as time would): the old secret no longer signs.
      await t.container.db.query("UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1", [
        endpoint.id,
      ]);
      await enqueue(user.id);
      await drainWebhooks(t);
      const after = receiver.received[1]!;
      expect(signatures(after)).toHaveLength(1);
      expect(verifies(after, res.body.secret)).toBe(true);
      expect(verifies(after, endpoint.secret)).toBe(false);
    } finally {
      await receiver.close();
    }
  });

  it('when rotated with overlapSeconds 0, then the old secret stops at once; a second rotation ends the older secret', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const user = await registerUser(t);
      const endpoint = await createWebhook(t, user.auth, receiver.url);
      const first = await rotate(user.auth, endpoint.id, { overlapSeconds: 3600 });
      const second = await rotate(user.auth, endpoint.id, { overlapSeconds: 60 });
      await enqueue(user.id);
      await drainWebhooks(t);
      const overlapping = receiver.received[0]!;
      expect(verifies(overlapping, second.body.secret)).toBe(true);
      expect(verifies(overlapping, first.body.secret)).toBe(true);
      expect(verifies(overlapping, endpoint.secret)).toBe(false);

      const immediate = await rotate(user.auth, endpoint.id, { overlapSeconds: 0 });
      expect(immediate.status).toBe(200);
      expect(immediate.body.previousSecretExpiresAt).toBeNull();
      await enqueue(user.id);
      await drainWebhooks(t);
      const now = receiver.received[1]!;
      expect(signatures(now)).toHaveLength(1);
      expect(verifies(now, immediate.body.secret)).toBe(true);
      expect(verifies(now, second.body.secret)).toBe(false);
    } finally {
      await receiver.close();
    }
  });

  it('when a delivered event is redelivered after a rotation, then it is signed with the current secret and a receiver that dedupes by event id processes it once', async () => {
    const processed: string[] = [];
    const seen = new Set<string>();
    let receiverSecret = '';
    // A receiver as the docs describe one: verify with the secret it holds, then drop event ids it has processed.
    const receiver = await startWebhookReceiver();
    const handle = (r: ReceivedWebhook) => {
      if (!verifies(r, receiverSecret)) return 'refused';
      const eventId = r.headers['ocp-event-id'] as string;
      if (seen.has(eventId)) return 'duplicate';
      seen.add(eventId);
      processed.push(r.body.id);
      return 'processed';
    };
    try {
      const user = await registerUser(t);
      const endpoint = await createWebhook(t, user.auth, receiver.url);
      receiverSecret = endpoint.secret;
      const event = await enqueue(user.id);
      await drainWebhooks(t);
      expect(handle(receiver.received[0]!)).toBe('processed');

      const rotated = await rotate(user.auth, endpoint.id, { overlapSeconds: 0 });
      receiverSecret = rotated.body.secret;
      const [delivery] = (await t.http().get(`/api/v1/webhooks/${endpoint.id}/deliveries`).set(user.auth)).body.data;
      const res = await t.http().post(`/api/v1/webhooks/${endpoint.id}/deliveries/${delivery.id}/redeliver`).set(user.auth);
      expect(res.status).toBe(202);
      await drainWebhooks(t);

      const again = receiver.received[1]!;
      expect(again.headers['ocp-event-id']).toBe(event.id);
      expect(again.body.id).toBe(event.id);
      expect(again.rawBody).toBe(receiver.received[0]!.rawBody);
      expect(verifies(again, rotated.body.secret)).toBe(true);
      expect(verifies(again, endpoint.secret)).toBe(false);
      expect(handle(again)).toBe('duplicate');
      expect(processed).toEqual([event.id]);
    } finally {
      await receiver.close();
    }
  });

  it('when the overlap is out of range or not an integer, then 400 and the secret is unchanged', async () => {
    const user = await registerUser(t);
    const endpoint = await createWebhook(t, user.auth, 'https://example.com/hooks');
    const { rows: before } = await t.container.db.query('SELECT secret_ciphertext FROM webhook_endpoints WHERE id = $1', [endpoint.id]);
    for (const body of [
      { overlapSeconds: -1 },
      { overlapSeconds: 7 * DAY_S + 1 },
      { overlapSeconds: 1.5 },
      { overlapSeconds: '3600' },
      { other: 1 },
    ]) {
      const res = await rotate(user.auth, endpoint.id, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await rotate(user.auth, endpoint.id, { overlapSeconds: 7 * DAY_S })).status).toBe(200);
    const { rows: after } = await t.container.db.query<{ secret_ciphertext: string; previous_secret_ciphertext: string }>(
      'SELECT secret_ciphertext, previous_secret_ciphertext FROM webhook_endpoints WHERE id = $1',
      [endpoint.id],
    );
    expect(after[0]!.previous_secret_ciphertext).toBe((before[0] as { secret_ciphertext: string }).secret_ciphertext);
    expect(after[0]!.secret_ciphertext).not.toContain('whsec_');
  });

  it("when another user rotates an endpoint's secret, then 404 as if it did not exist, and nothing changes", async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const endpoint = await createWebhook(t, owner.auth, 'https://example.com/hooks');
    const res = await rotate(other.auth, endpoint.id, {});
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('webhook_not_found');
    expect((await rotate(owner.auth, 'whe_missing', {})).status).toBe(404);
    const { rows } = await t.container.db.query('SELECT previous_secret_ciphertext FROM webhook_endpoints WHERE id = $1', [endpoint.id]);
    expect(rows).toEqual([{ previous_secret_ciphertext: null }]);
  });
});
