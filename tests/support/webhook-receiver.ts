import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  close: () => Promise<void>;
}

/**
 * A real HTTP receiver on 127.0.0.1 (port 0). `statusFor(n)` picks the status of the n-th
 * request (1-based), so a test can script "500, then 200".
 */
export async function startWebhookReceiver(statusFor: (n: number) => number = () => 200): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, rawBody, body: JSON.parse(rawBody) as ReceivedWebhook['body'] });
      res.statusCode = statusFor(received.length);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A URL on which nothing listens: connections are refused. */
export async function deadReceiverUrl(): Promise<string> {
  const receiver = await startWebhookReceiver();
  await receiver.close();
  return receiver.url;
}

export async function createWebhook(t: TestApp, auth: Record<string, string>, url: string, events: string[] = ['*']) {
  const res = await t.http().post('/api/v1/webhooks').set(auth).send({ url, events });
  if (res.status !== 201) throw new Error(`create webhook failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; url: string; events: string[]; secret: string; createdAt: string };
}

export async function deliveriesOf(t: TestApp, eventId: string) {
  const { rows } = await t.container.db.query<{ endpoint_id: string; status: string; attempts: number; last_error: string | null }>(
    'SELECT endpoint_id, status, attempts, last_error FROM webhook_deliveries WHERE event_id = $1 ORDER BY endpoint_id',
    [eventId],
  );
  return rows;
}

/**
 * Runs the worker until a run claims nothing: one run takes at most WEBHOOK_ENDPOINT_CONCURRENCY
 * deliveries of each endpoint, so an endpoint with more due needs several. Only for deliveries
 * that succeed or end failed quickly (a retry due later stays pending).
 */
export async function drainWebhooks(t: TestApp, runsMax = 50): Promise<void> {
  for (let run = 0; run < runsMax; run++) {
    if ((await t.container.webhooks.worker.runOnce()).claimed === 0) return;
  }
  throw new Error(`webhook deliveries still due after ${runsMax} runs`);
}
