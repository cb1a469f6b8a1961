import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FetchCancelSignal, FetchRequest } from 'ethers';
import { boundedGetUrl } from '../../../src/modules/web3/adapters/bounded-get-url';

// ethers' request function OCP gives its JSON-RPC providers: the answer's size bound, timeouts and
// cancellation, against a local server.
describe('boundedGetUrl', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.url === '/declared-big') return void res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5_000));
        if (req.url === '/streamed-big') {
          res.writeHead(200);
          res.write('x'.repeat(600));
          return void setTimeout(() => res.end('x'.repeat(600)), 20);
        }
        if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
        if (req.url === '/empty') return void res.writeHead(204).end();
        res.setHeader('Set-Cookie', ['a=1', 'b=2']);
        res.end(`echo:${req.method}:${body}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const getUrl = boundedGetUrl(1_024);
  const request = (path: string, o: { method?: string; body?: string; timeout?: number; url?: string } = {}) =>
    ({
      url: o.url ?? `${base}${path}`,
      method: o.method ?? 'GET',
      headers: { 'content-type': 'application/json' },
      timeout: o.timeout ?? 1_000,
      body: o.body === undefined ? null : new TextEncoder().encode(o.body),
    }) as unknown as FetchRequest;
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'answered',
      (error: { code?: string }) => error.code,
    );

  it('when the node answers, then status, joined headers and the body come back; an empty answer has no body', async () => {
    const answer = await getUrl(request('/rpc', { method: 'POST', body: '{"id":1}' }));
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['set-cookie']).toBe('a=1, b=2');
    expect(Buffer.from(answer.body!).toString()).toBe('echo:POST:{"id":1}');
    expect((await getUrl(request('/empty'))).body).toBeNull();
  });

  it('when the answer is declared or streamed past the bound, then SERVER_ERROR before it is read whole', async () => {
    expect(await codeOf(getUrl(request('/declared-big')))).toBe('SERVER_ERROR');
    expect(await codeOf(getUrl(request('/streamed-big')))).toBe('SERVER_ERROR');
  });

  it('when the node is too slow, or the call is cancelled, or the URL is not http(s), then ethers gets its own error code', async () => {
    expect(await codeOf(getUrl(request('/slow', { timeout: 100 })))).toBe('TIMEOUT');
    let cancel: () => void = () => undefined;
    const signal = { addListener: (listener: () => void) => void (cancel = listener) } as unknown as FetchCancelSignal;
    const cancelled = codeOf(getUrl(request('/slow'), signal));
    cancel();
    expect(await cancelled).toBe('CANCELLED');
    expect(await codeOf(getUrl(request('', { url: 'ftp://127.0.0.1/x' })))).toBe('UNSUPPORTED_OPERATION');
  });

  it('when nothing listens, then the connection error is passed on', async () => {
    expect(await codeOf(getUrl(request('', { url: 'https://127.0.0.1:9/' })))).toBe('ECONNREFUSED');
  });
});
