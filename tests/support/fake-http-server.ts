import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body as sent. */
  raw: string;
  /** JSON bodies parsed; form bodies as a flat record ("card[number]" keys). */
  body: Record<string, unknown>;
}

export interface FakeReply {
  status: number;
  body?: unknown;
}

export type Fault = 'fail' | 'hang' | 'garbage';

/**
 * A local HTTP server on 127.0.0.1:0 that a contract test points an adapter at. It records every
 * request and can be told to fail (503), hang (never answer) or answer garbage for the next calls.
 */
export class FakeHttpServer {
  readonly requests: FakeRequest[] = [];
  private readonly faults: { fault: Fault; path?: string }[] = [];
  private readonly hanging = new Set<() => void>();
  private server?: Server;
  url = '';

  constructor(private readonly handle: (req: FakeRequest) => FakeReply | Promise<FakeReply>) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const isForm = (req.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
        const body = raw ? (isForm ? Object.fromEntries(new URLSearchParams(raw)) : (JSON.parse(raw) as Record<string, unknown>)) : {};
        const request: FakeRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, raw, body };
        this.requests.push(request);
        const index = this.faults.findIndex((f) => !f.path || request.path.startsWith(f.path));
        const fault = index >= 0 ? this.faults.splice(index, 1)[0]!.fault : undefined;
        if (fault === 'hang') {
          this.hanging.add(() => res.destroy());
          return;
        }
        if (fault === 'fail') return void res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"error":"unavailable"}');
        if (fault === 'garbage') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('<html>surprise</html>');
        Promise.resolve(this.handle(request)).then(
          (reply) =>
            res
              .writeHead(reply.status, { 'Content-Type': 'application/json' })
              .end(reply.body === undefined ? '' : JSON.stringify(reply.body)),
          () => res.writeHead(500).end(),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next `times` requests (to paths starting with `path`, if given) get this fault instead of an answer. */
  inject(fault: Fault, times = 1, path?: string): void {
    for (let i = 0; i < times; i++) this.faults.push({ fault, ...(path ? { path } : {}) });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  async stop(): Promise<void> {
    for (const release of this.hanging) release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
