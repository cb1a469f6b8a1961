import { createHash, randomUUID } from 'node:crypto';
import { FakeHttpServer, type FakeReply, type FakeRequest } from './fake-http-server';

interface StoredToken {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata?: Record<string, string>;
  fingerprint: string;
  path: 'tokens' | 'apple-pay' | 'google-pay';
}

/** The card a fake mobile-wallet decryption yields (Basis Theory decrypts the real thing). */
export const FAKE_WALLET_CARD = { last4: '4242', expiration_month: 12, expiration_year: 2031, brand: 'visa' };

/**
 * Speaks the subset of the Basis Theory API the adapter uses: POST/GET/DELETE /tokens (with
 * BT-IDEMPOTENCY-KEY replay and masked data), POST /apple-pay, /google-pay, /apple-pay/session.
 */
export function fakeBasisTheory(apiKey: string) {
  const tokens = new Map<string, StoredToken>();
  const byIdempotencyKey = new Map<string, FakeReply>();

  const view = (t: StoredToken) => {
    if (t.path !== 'tokens') return { id: t.id, type: 'dpan', status: 'active', card: FAKE_WALLET_CARD, fingerprint: t.fingerprint };
    const number = String(t.data.number);
    const masked =
      t.type === 'card'
        ? number.slice(0, 6) + 'X'.repeat(number.length - 10) + number.slice(-4)
        : 'X'.repeat(number.length - 4) + number.slice(-4);
    return {
      id: t.id,
      type: t.type,
      tenant_id: 'tenant',
      fingerprint: t.fingerprint,
      metadata: t.metadata,
      data: { number: masked, expiration_month: t.data.expiration_month, expiration_year: t.data.expiration_year },
      created_at: new Date().toISOString(),
    };
  };

  const create = (req: FakeRequest): FakeReply => {
    if (req.path === '/apple-pay/session')
      return { status: 200, body: { merchantSessionIdentifier: 'ms_1', displayName: req.body.display_name, domainName: req.body.domain } };
    const path = req.path.slice(1) as StoredToken['path'];
    const walletData = req.body.apple_payment_data ?? req.body.google_payment_data;
    if (path !== 'tokens') {
      if (!walletData || typeof walletData !== 'object') return { status: 400, body: { title: 'payment data is required' } };
      const t: StoredToken = { id: randomUUID(), type: 'dpan', data: {}, fingerprint: 'fp-wallet', path };
      tokens.set(`${path}/${t.id}`, t);
      return { status: 201, body: { [path === 'apple-pay' ? 'apple_pay' : 'google_pay']: view(t) } };
    }
    const data = req.body.data as Record<string, unknown> | undefined;
    if (!data || !/^\d{12,19}$/.test(String(data.number ?? ''))) return { status: 400, body: { errors: { 'data.number': ['invalid'] } } };
    const fingerprint = createHash('sha256')
      .update(`bt:${String(data.number)}`)
      .digest('base64url');
    const t: StoredToken = {
      id: randomUUID(),
      type: String(req.body.type),
      data,
      metadata: req.body.metadata as Record<string, string>,
      fingerprint,
      path,
    };
    tokens.set(`tokens/${t.id}`, t);
    return { status: 201, body: view(t) };
  };

  return new FakeHttpServer((req) => {
    if (req.headers['bt-api-key'] !== apiKey) return { status: 401, body: { title: 'Unauthorized' } };
    if (req.method === 'POST') {
      const key = req.headers['bt-idempotency-key'] as string | undefined;
      const replay = key ? byIdempotencyKey.get(key) : undefined;
      if (replay) return replay;
      const reply = create(req);
      if (key && reply.status < 500) byIdempotencyKey.set(key, reply);
      return reply;
    }
    const stored = tokens.get(req.path.slice(1));
    if (!stored) return { status: 404, body: { title: 'Not Found' } };
    if (req.method === 'DELETE') {
      tokens.delete(req.path.slice(1));
      return { status: 204 };
    }
    return { status: 200, body: view(stored) };
  });
}
