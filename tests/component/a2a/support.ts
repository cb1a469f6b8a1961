import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Role, StreamResponse, type Message, type Task } from '@a2a-js/sdk';
import { ClientFactory, JsonRpcTransportFactory, RestTransportFactory, type Client } from '@a2a-js/sdk/client';
import type { TestApp } from '../../support/test-app';

/** An HTTP server on 127.0.0.1:0 whose URL is known before the app is built (PUBLIC_BASE_URL needs it). */
export async function openListener(): Promise<{ server: Server; baseUrl: string; serve: (app: TestApp['app']) => void }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let handler: TestApp['app'] | undefined;
  server.on('request', (req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  return { server, baseUrl, serve: (app) => void (handler = app) };
}

/** fetch with the agent's bearer token on every call (cards are public: the resolver fetches them without it). */
export function bearerFetch(auth: { Authorization: string } | undefined): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (auth) headers.set('Authorization', auth.Authorization);
    return fetch(input, { ...init, headers });
  };
}

/**
 * The SDK's own client for the agent card at `${url}/.well-known/agent-card.json`. The SDK resolves
 * the card path relative to the URL, so the URL gets its trailing slash.
 */
export function a2aClient(url: string, auth?: { Authorization: string }, binding: 'JSONRPC' | 'HTTP+JSON' = 'JSONRPC'): Promise<Client> {
  const fetchImpl = bearerFetch(auth);
  const factory = new ClientFactory({
    transports: [new JsonRpcTransportFactory({ fetchImpl }), new RestTransportFactory({ fetchImpl })],
    preferredTransports: [binding],
  });
  return factory.createFromUrl(url.endsWith('/') ? url : `${url}/`);
}

export function dataMessage(data: Record<string, unknown>, messageId: string = randomUUID()): Message {
  return {
    messageId,
    contextId: '',
    taskId: '',
    role: Role.ROLE_USER,
    parts: [{ content: { $case: 'data', value: data }, metadata: undefined, filename: '', mediaType: 'application/json' }],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

export const send = (message: Message) => ({ tenant: '', message, configuration: undefined, metadata: undefined });

export function asTask(result: unknown): Task {
  const task = result as Task;
  if (!task || typeof task !== 'object' || !('status' in task) || !('artifacts' in task))
    throw new Error(`not a task: ${JSON.stringify(result)}`);
  return task;
}

/** The first data part of the task's first artifact. */
export function artifactData(task: Task): Record<string, unknown> {
  const part = task.artifacts[0]?.parts[0];
  if (part?.content?.$case !== 'data') throw new Error(`no data artifact: ${JSON.stringify(task.artifacts)}`);
  return part.content.value as Record<string, unknown>;
}

/** The data part of the task's status message (a refusal's {error}). */
export function statusData(task: Task): Record<string, unknown> {
  const part = task.status?.message?.parts.find((p) => p.content?.$case === 'data');
  if (part?.content?.$case !== 'data') throw new Error(`no data in status: ${JSON.stringify(task.status)}`);
  return part.content.value as Record<string, unknown>;
}

export interface ReceivedPush {
  headers: IncomingHttpHeaders;
  /** The pushed StreamResponse's task. */
  task: Task;
}

export interface PushReceiver {
  url: string;
  pushes: ReceivedPush[];
  /** Requests that arrived and have not been answered (a hanging receiver holds them). */
  waiting: () => number;
  /** Waits until a push satisfies `match`, failing after `timeoutMs`. */
  waitFor: (match: (push: ReceivedPush) => boolean, timeoutMs?: number) => Promise<ReceivedPush>;
  /** Answers what a hanging receiver holds, and stops listening. */
  close: () => Promise<void>;
}

/**
 * A push-notification receiver on 127.0.0.1: answers 200, 500, or never (`hang`, until close).
 * Bodies are parsed with the SDK's StreamResponse, as an A2A client would.
 */
export async function startPushReceiver(answer: 200 | 500 | 'hang' = 200): Promise<PushReceiver> {
  const pushes: ReceivedPush[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const response = StreamResponse.fromJSON(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      // OCP pushes the whole task: anything else is refused, and the waiting test fails naming what came.
      if (response.payload?.$case !== 'task') return void res.writeHead(400).end();
      pushes.push({ headers: req.headers, task: response.payload.value });
      if (answer === 'hang') held.push(res);
      else res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/a2a-push`;
  const waitFor = async (match: (push: ReceivedPush) => boolean, timeoutMs = 5_000) => {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      const found = pushes.find(match);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no matching push within ${timeoutMs} ms; got ${JSON.stringify(pushes.map((p) => p.task.status?.state))}`);
  };
  return {
    url,
    pushes,
    waiting: () => held.filter((res) => !res.writableEnded).length,
    waitFor,
    close: () => {
      for (const res of held) res.writeHead(200).end();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
