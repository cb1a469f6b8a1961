import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { outgoingRequest, type OutgoingLimits } from '../../../src/protocols/x402/outgoing';

// The x402 payer's one fetch of a URL an agent names: what it refuses before connecting, and the
// bounds it keeps once connected, against a local server.
describe('outgoingRequest', () => {
  let server: Server;
  let base: string;
  const received: { method?: string; body: string; length?: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ method: req.method, body, length: req.headers['content-length'] });
        if (req.url === '/big') return void res.end('x'.repeat(4_096));
        if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
        res.setHeader('Set-Cookie', ['a=1', 'b=2']);
        res.writeHead(402, { 'payment-required': 'challenge' }).end('pay me');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const local: OutgoingLimits = { allowPrivate: true, timeoutMs: 1_000, bodyBytesMax: 1_024 };
  const get = (url: string, limits: OutgoingLimits = local) => outgoingRequest(new URL(url), { method: 'GET', headers: {} }, limits);
  const codeOf = (request: () => Promise<unknown>) =>
    (async () => request())().then(
      () => 'answered',
      (error: { code?: string }) => error.code,
    );

  it('when the server answers, then status, lowercase headers (repeated ones joined) and body come back', async () => {
    const answer = await get(`${base}/paid`);
    expect(answer).toMatchObject({ status: 402, body: 'pay me', headers: { 'payment-required': 'challenge', 'set-cookie': 'a=1, b=2' } });
  });

  it('when a body is sent, then it goes with its byte length', async () => {
    await outgoingRequest(
      new URL(`${base}/paid`),
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"q":"é"}' },
      local,
    );
    expect(received.at(-1)).toEqual({ method: 'POST', body: '{"q":"é"}', length: '10' });
  });

  it.each([
    ['a scheme other than http(s)', 'ftp://127.0.0.1/file', 'x402_url_not_allowed'],
    ['a loopback address', 'http://127.0.0.1:9/x', 'x402_url_not_allowed'],
    ['a private IPv6 literal', 'http://[fd00::1]/x', 'x402_url_not_allowed'],
    ['a name that resolves to loopback', 'http://localhost:9/x', 'x402_url_not_allowed'],
  ])('when the URL is %s and private targets are not allowed, then it is refused without a request', async (_case, url, code) => {
    expect(await codeOf(() => get(url, { ...local, allowPrivate: false }))).toBe(code);
  });

  it('when the answer is larger than the bound, or too slow, or nothing listens, then x402_unreachable', async () => {
    expect(await codeOf(() => get(`${base}/big`))).toBe('x402_unreachable');
    expect(await codeOf(() => get(`${base}/slow`, { ...local, timeoutMs: 200 }))).toBe('x402_unreachable');
    expect(await codeOf(() => get('https://127.0.0.1:9/x'))).toBe('x402_unreachable');
  });
});
