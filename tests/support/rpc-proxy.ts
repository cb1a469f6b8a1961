import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RpcProxy {
  url: string;
  /** JSON-RPC methods seen, in order. */
  methods: string[];
  /** The next `count` eth_sendRawTransaction calls get a gateway's 503 and never reach the node. */
  refuseBroadcasts(count?: number): void;
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy in front of the test's node, on 127.0.0.1, that can play a gateway
 * whose upstream is down for broadcasts only, so a test can fail a send after its reads succeeded.
 */
export async function startRpcProxy(targetUrl: string): Promise<RpcProxy> {
  const methods: string[] = [];
  let refusals = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const method = (JSON.parse(body.toString('utf8')) as { method?: string }).method ?? '?';
      methods.push(method);
      if (method === 'eth_sendRawTransaction' && refusals > 0) {
        refusals -= 1;
        res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream unavailable');
        return;
      }
      const upstream = http.request(targetUrl, { method: 'POST', headers: { 'content-type': 'application/json' } }, (reply) => {
        res.writeHead(reply.statusCode ?? 502, { 'content-type': reply.headers['content-type'] ?? 'application/json' });
        reply.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    methods,
    refuseBroadcasts: (count = 1) => {
      refusals = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
