import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature, WebhookSignatureError, type OcpPaths } from '@ocp/sdk';
import type { CommandSpec, Context } from '../command.js';
import { usageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { when } from '../output.js';

/** Far above any OCP event; a larger body is refused unread. */
const BODY_MAX_BYTES = 1024 * 1024;
const HOST = '127.0.0.1';
const PATH = '/webhooks';

/** The event types OCP accepts in a subscription (it checks the names given). */
type EventTypes = OcpPaths['/api/v1/webhooks']['post']['requestBody']['content']['application/json']['events'];

interface WebhookEvent {
  id: string;
  type: string;
  createdAt: string;
  data: unknown;
}

export const webhooksListen: CommandSpec = {
  path: 'webhooks listen',
  summary: 'Receive webhook deliveries on a local port, verify their signatures and print the events',
  options: {
    port: { type: 'string', placeholder: '<n>', help: 'the local port (default: any free one; required with --secret)' },
    events: {
      type: 'string',
      placeholder: '<a,b>',
      help: 'event types to subscribe to, e.g. transfer.completed,balance.low (default: all)',
    },
    secret: {
      type: 'string',
      placeholder: '<whsec>',
      help: 'verify with this secret and register nothing (you pointed an existing webhook here)',
    },
  },
  details: [
    `Listens on http://${HOST}:<port>${PATH}, registers a webhook at OCP pointing there (OCP accepts local targets`,
    'outside production) and deletes it again on Ctrl+C or SIGTERM. Every delivery is checked against its',
    'OCP-Signature: authentic ones are printed (one JSON line each with --json) and answered 200, others refused with',
    `400 and a line on stderr. Ends with exit code ${EXIT.interrupted} when interrupted.`,
  ],
  examples: [
    'ocp webhooks listen --events transfer.completed,balance.changed',
    'ocp webhooks listen --port 4242 --secret whsec_... --json',
  ],
  async run(ctx, flags) {
    const givenSecret = flags.string('secret');
    const port = flags.int('port', givenSecret ? 1 : 0, 65_535);
    if (givenSecret !== undefined && port === undefined)
      throw usageError('webhooks listen: --secret needs the --port your webhook points at');
    const events = flags.list('events') ?? ['*'];
    const client = givenSecret ? undefined : ctx.client();
    let secret = givenSecret;
    const server = createServer((req, res) => void receive(ctx, req, res, secret));
    const url = `http://${HOST}:${await listen(server, port ?? 0)}${PATH}`;
    let endpointId: string | undefined;
    try {
      if (client) {
        const created = await client.post('/api/v1/webhooks', { body: { url, events: events as EventTypes } });
        endpointId = created.id;
        secret = created.secret;
      }
      ctx.note(`Listening on ${url} for ${events.join(', ')}${endpointId ? ` (webhook ${endpointId})` : ''}. Ctrl+C to stop.`);
      await untilAborted(ctx.io.signal);
    } finally {
      server.close();
      server.closeAllConnections();
      if (client && endpointId) await removeWebhook(ctx, client, endpointId);
    }
    return EXIT.interrupted;
  },
};

async function receive(ctx: Context, req: IncomingMessage, res: ServerResponse, secret: string | undefined): Promise<void> {
  const answer = (status: number, body: object) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (req.method !== 'POST') return void answer(405, { error: 'POST only' });
  if (!secret) return void answer(503, { error: 'not ready' });
  const payload = await readBody(req);
  if (!payload) return void answer(413, { error: 'too large' });
  let event: WebhookEvent;
  try {
    await verifyWebhookSignature({ payload, signature: req.headers['ocp-signature'] as string | undefined, secret });
    event = JSON.parse(payload.toString('utf8')) as WebhookEvent;
  } catch (error) {
    const reason = error instanceof WebhookSignatureError ? error.message : 'the body is not JSON';
    ctx.note(`ocp: refused a delivery from ${req.socket.remoteAddress}: ${reason}`);
    return void answer(400, { error: reason });
  }
  answer(200, { received: true });
  if (ctx.json) ctx.io.stdout.write(`${JSON.stringify(event)}\n`);
  else ctx.print(`${when(event.createdAt)}  ${event.type}  ${event.id}  ${JSON.stringify(event.data)}`);
}

/** The body, or undefined past BODY_MAX_BYTES. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_MAX_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? usageError(`port ${port} is in use: pick another with --port`) : error),
    );
    server.listen(port, HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

async function removeWebhook(ctx: Context, client: ReturnType<Context['client']>, id: string): Promise<void> {
  try {
    await client.delete('/api/v1/webhooks/{id}', { params: { path: { id } } });
    ctx.note(`Deleted webhook ${id}.`);
  } catch (error) {
    ctx.note(`ocp: could not delete webhook ${id}: ${(error as Error).message}; delete it at the API`);
  }
}
