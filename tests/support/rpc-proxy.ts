import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RpcProxy {
  url: string;
  /** JSON-RPC methods seen, in order. */
  methods: string[];
  /** The next `count` eth_sendRawTransaction calls get a gateway's 503 and never reach the node. */
  refuseBroadcasts(count?: number): void;
  /**
   * The next eth_sendRawTransaction waits for `decide`, then goes on to the node ('forward') or is
   * answered with the JSON-RPC error `decide` returns, as a node refusing the transaction would.
   */
  interceptNextBroadcast(decide: () => Promise<'forward' | { code: number; message: string }>): void;
  /**
   * Until set back to null, every call is first offered to `answer`: what it returns (a JSON-RPC
   * `result` or `error`) is the reply, as a lying or lagging node would give it; undefined forwards.
   */
  answerWith(answer: RpcAnswer | null): void;
  close(): Promise<void>;
}

export type RpcAnswer = (call: {
  method: string;
  params: unknown[];
}) => { result: unknown } | { error: { code: number; message: string } } | undefined;

/**
 * A pass-through HTTP proxy in front of the test's node, on 127.0.0.1, that can play a gateway
 * whose upstream is down for broadcasts only, so a test can fail a send after its reads succeeded,
 * or a node that lies or lags (`answerWith`).
 */
export async function startRpcProxy(targetUrl: string): Promise<RpcProxy> {
  const methods: string[] = [];
  let refusals = 0;
  let interceptor: Parameters<RpcProxy['interceptNextBroadcast']>[0] | undefined;
  let answer: RpcAnswer | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const request = JSON.parse(body.toString('utf8')) as { method?: string; id?: unknown; params?: unknown[] };
      const method = request.method ?? '?';
      methods.push(method);
      const answered = answer?.({ method, params: request.params ?? [] });
      if (answered) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: request.id, ...answered }));
        return;
      }
      if (method === 'eth_sendRawTransaction' && refusals > 0) {
        refusals -= 1;
        res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream unavailable');
        return;
      }
      if (method === 'eth_sendRawTransaction' && interceptor) {
        const decide = interceptor;
        interceptor = undefined;
        const decision = await decide();
        if (decision !== 'forward') {
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ jsonrpc: '2.0', id: request.id, error: decision }));
          return;
        }
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
    interceptNextBroadcast: (decide) => {
      interceptor = decide;
    },
    answerWith: (next) => {
      answer = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
