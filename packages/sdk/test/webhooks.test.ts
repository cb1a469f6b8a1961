import { constructWebhookEvent, verifyWebhookSignature, WebhookSignatureError } from '@ocp/sdk';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { signWebhookPayload } from '../../../src/modules/webhook/signature';
import { startWebhookReceiver } from '../../../tests/support/webhook-receiver';
import { signedInUser, startListeningApp } from './support';

const secret = 'whsec_test_secret_value';
const payload = JSON.stringify({ id: 'evt_1', type: 'wallet.created', createdAt: '2026-12-06T00:00:00.000Z', data: { id: 'w1' } });
const now = 1_790_000_000;

describe('verifyWebhookSignature against the signatures OCP makes', () => {
  test('a signature made by OCP verifies, as text and as bytes', async () => {
    const signature = signWebhookPayload(payload, secret, now);
    await expect(verifyWebhookSignature({ payload, signature, secret, now })).resolves.toBeUndefined();
    await expect(verifyWebhookSignature({ payload: new TextEncoder().encode(payload), signature, secret, now })).resolves.toBeUndefined();
  });

  test('during a secret rotation any one of several v1 values is enough', async () => {
    const current = signWebhookPayload(payload, secret, now);
    const old = signWebhookPayload(payload, 'previous-secret', now).split(',')[1];
    await expect(
      verifyWebhookSignature({ payload, signature: `${current},${old}`, secret: 'previous-secret', now }),
    ).resolves.toBeUndefined();
  });

  test("a header OCP signs with the new and the old secret (a rotation's overlap) verifies with either, and with no other", async () => {
    const signature = signWebhookPayload(payload, [secret, 'previous-secret'], now);
    await expect(verifyWebhookSignature({ payload, signature, secret, now })).resolves.toBeUndefined();
    await expect(verifyWebhookSignature({ payload, signature, secret: 'previous-secret', now })).resolves.toBeUndefined();
    await expect(verifyWebhookSignature({ payload, signature, secret: 'older-secret', now })).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  test.each([
    ['another body', { payload: payload.replace('w1', 'w2') }],
    ['another secret', { secret: 'not-the-secret' }],
    ['a replay after the tolerance', { now: now + 301 }],
    ['a timestamp from the future', { now: now - 301 }],
  ])('refuses %s', async (_name, change) => {
    const signature = signWebhookPayload(payload, secret, now);
    await expect(verifyWebhookSignature({ payload, signature, secret, now, ...change })).rejects.toBeInstanceOf(WebhookSignatureError);
  });

  test.each([
    undefined,
    '',
    't=1',
    `v1=${'a'.repeat(64)}`,
    `t=x,v1=${'a'.repeat(64)}`,
    `t=1,t=2,v1=${'a'.repeat(64)}`,
    `t=1=2,v1=${'a'.repeat(64)}`,
    'x'.repeat(3000),
  ])('refuses the malformed header %p', async (signature) => {
    await expect(verifyWebhookSignature({ payload, signature, secret, now })).rejects.toThrow('missing or malformed');
  });

  test('the tolerance can be widened', async () => {
    const signature = signWebhookPayload(payload, secret, now);
    await expect(verifyWebhookSignature({ payload, signature, secret, now: now + 600, toleranceSeconds: 900 })).resolves.toBeUndefined();
  });
});

describe('a real delivery', () => {
  let t: Awaited<ReturnType<typeof startListeningApp>>;
  beforeAll(async () => {
    t = await startListeningApp();
  });
  afterAll(async () => {
    await t.close();
  });

  test('an event OCP delivers is verified and parsed by constructWebhookEvent', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const { ocp } = await signedInUser(t);
      const endpoint = await ocp.post('/api/v1/webhooks', { body: { url: receiver.url, events: ['wallet.created'] } });
      const wallet = await ocp.post('/api/v1/wallets', { body: { currency: 'USD' } });
      await t.container.webhooks.worker.runOnce();
      const [delivery] = receiver.received;
      const event = await constructWebhookEvent<{ type: string; data: { walletId: string } }>({
        payload: delivery?.rawBody ?? '',
        signature: delivery?.headers['ocp-signature'] as string,
        secret: endpoint.secret,
      });
      expect(event).toMatchObject({ type: 'wallet.created', data: { walletId: wallet.id } });
    } finally {
      await receiver.close();
    }
  });
});
