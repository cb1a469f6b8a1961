import { fakeBasisTheory } from '../../support/fake-basis-theory';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

const CARD = { number: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123' };
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const INCOMING = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

describe('X-Request-Id and W3C traceparent on outgoing provider calls and in logs', () => {
  const provider = fakeBasisTheory('key_bt');
  let t: TestApp;
  beforeAll(async () => {
    await provider.start();
    t = await startTestApp({ TOKEN_PROVIDER: 'basis_theory', BASIS_THEORY_API_URL: provider.url, BASIS_THEORY_API_KEY: 'key_bt' });
  });
  afterAll(async () => {
    await t.close();
    await provider.stop();
  });

  async function tokenize(headers: Record<string, string>) {
    const user = await registerUser(t);
    provider.requests.length = 0;
    const res = await t.http().post('/api/v1/tokens').set(user.auth).set(headers).send({ type: 'card', data: CARD });
    expect(res.status).toBe(201);
    expect(provider.requests).toHaveLength(1);
    return provider.requests[0]!.headers;
  }

  it('when a traced request calls the provider, then the call carries the request id and continues the same trace as a new span', async () => {
    const sent = await tokenize({ 'X-Request-Id': 'trace-prop-1', traceparent: INCOMING });
    expect(sent['x-request-id']).toBe('trace-prop-1');
    const [, traceId, parentId, flags] = TRACEPARENT.exec(String(sent.traceparent)) ?? [];
    expect({ traceId, flags }).toEqual({ traceId: TRACE_ID, flags: '01' });
    expect(parentId).not.toBe('00f067aa0ba902b7');
  });

  it('when a traced request is logged, then its lines carry the request id and the trace id', async () => {
    await tokenize({ 'X-Request-Id': 'trace-prop-2', traceparent: INCOMING });
    const line = t.logs.entries.find((e) => e.message === 'request' && e.requestId === 'trace-prop-2');
    expect(line).toMatchObject({ traceId: TRACE_ID, route: '/api/v1/tokens' });
  });

  it('when a request arrives without a traceparent (or a malformed one), then a new trace is started and carried out', async () => {
    const cases: Record<string, string>[] = [
      { 'X-Request-Id': 'trace-prop-3' },
      { 'X-Request-Id': 'trace-prop-4', traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` },
    ];
    for (const headers of cases) {
      const sent = await tokenize(headers);
      const [, traceId] = TRACEPARENT.exec(String(sent.traceparent)) ?? [];
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(traceId).not.toBe('0'.repeat(32));
      const line = t.logs.entries.find((e) => e.message === 'request' && e.requestId === headers['X-Request-Id']);
      expect(line?.traceId).toBe(traceId);
    }
  });
});
