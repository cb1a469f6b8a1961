import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { EventFanout } from '../../../src/infra/pubsub/event-fanout';
import type { Logger } from '../../../src/infra/logger';
import type { GraphqlServices } from '../../../src/protocols/graphql/context';
import { createSubscriptionServer, type TokenVerifier } from '../../../src/protocols/graphql/subscription-server';
import { Unauthorized } from '../../../src/shared/errors';
import type { Principal } from '../../../src/shared/principal';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';

/** A schema of one subscription: `whoami` answers the connection's principal `times` times. */
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ping: { type: GraphQLString, resolve: () => 'pong' } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      whoami: {
        type: GraphQLString,
        args: { times: { type: GraphQLInt } },
        subscribe: async function* (_root: unknown, args: { times?: number | null }, context: { principal: Principal }) {
          for (let i = 0; i < (args.times ?? 1); i++) yield { whoami: context.principal.sub };
        },
      },
      /** Stays open and silent until the client ends it. */
      quiet: {
        type: GraphQLString,
        subscribe: () => ({
          [Symbol.asyncIterator]() {
            return this;
          },
          next: () => new Promise<IteratorResult<unknown>>(() => undefined),
          return: async () => ({ done: true as const, value: undefined }),
        }),
      },
    },
  }),
});
const OPTIONS = {
  introspection: false,
  maxDepth: 10,
  maxComplexity: 100,
  recheckMs: 50,
  maxPayloadBytes: 64 * 1024,
  maxConnections: 3,
  maxConnectionsPerCaller: 2,
  maxSubscriptionsPerConnection: 2,
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits (up to 5 s, for a loaded machine) until `done` holds. */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5_000; !done(); await sleep(10)) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
  }
}

/** Answers `good` with usr_1; anything else Unauthorized, unless `verdict` says otherwise. */
function verifier(): TokenVerifier & { verdict: (token: string) => Promise<Principal> } {
  const v = {
    verdict: async (token: string): Promise<Principal> => {
      if (token === 'good') return { sub: 'usr_1', role: 'user', permissions: [], tenantId: DEFAULT_TENANT_ID };
      if (token === 'other') return { sub: 'usr_2', role: 'user', permissions: [], tenantId: DEFAULT_TENANT_ID };
      throw new Unauthorized();
    },
    verifyAccessToken: (token: string) => v.verdict(token),
  };
  return v;
}

describe('GraphQL subscription server', () => {
  let server: Server;
  let wsUrl: string;
  let auth: ReturnType<typeof verifier>;
  const logger = { warn: jest.fn(), error: jest.fn(), info: jest.fn() } as unknown as Logger;
  let subscriptions: ReturnType<typeof createSubscriptionServer>;

  beforeEach(async () => {
    auth = verifier();
    subscriptions = createSubscriptionServer(schema, {} as GraphqlServices, auth, {} as EventFanout, OPTIONS, logger);
    server = createServer();
    subscriptions.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    wsUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/graphql`;
  });
  afterEach(async () => {
    await subscriptions.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Opens a raw graphql-transport-ws socket, sends connection_init with `payload`, and resolves with how it ended. */
  function init(payload: unknown): Promise<{ acked: boolean; code: number | null }> {
    return new Promise((resolve) => {
      const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', ...(payload === undefined ? {} : { payload }) })));
      socket.on('message', (data) => {
        if (JSON.parse(String(data)).type === 'connection_ack') {
          socket.close(1000);
          resolve({ acked: true, code: null });
        }
      });
      socket.on('close', (code) => resolve({ acked: false, code }));
    });
  }

  /** A graphql-transport-ws socket left open once acknowledged; `ended` tells how it ended (an upgrade refused: its HTTP status). */
  function open(token: string): Promise<{ socket: WebSocket; acked: boolean; code: number | null; status?: number }> {
    return new Promise((resolve) => {
      const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
      socket.on('unexpected-response', (_req, res) => resolve({ socket, acked: false, code: null, status: res.statusCode }));
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { token } })));
      socket.on('message', (data) => {
        if (JSON.parse(String(data)).type === 'connection_ack') resolve({ socket, acked: true, code: null });
      });
      socket.on('close', (code) => resolve({ socket, acked: false, code }));
    });
  }

  async function closeAll(sockets: WebSocket[]): Promise<void> {
    const open = sockets.filter((socket) => socket.readyState !== WebSocket.CLOSED);
    await Promise.all(open.map((socket) => new Promise((resolve) => socket.once('close', resolve).close(1000))));
  }

  it('when a caller opens one socket more than its limit, then that one is closed with 4429; closing one frees its place', async () => {
    const first = await open('good');
    const second = await open('good');
    try {
      expect([first.acked, second.acked]).toEqual([true, true]);
      await expect(open('good')).resolves.toMatchObject({ acked: false, code: 4429 });
      expect((await open('other')).acked).toBe(true); // another caller is not counted with usr_1
      await closeAll([second.socket]);
      await until(() => subscriptions.connections === 2);
      const again = await open('good');
      expect(again.acked).toBe(true);
      await closeAll([again.socket]);
    } finally {
      await closeAll([first.socket, second.socket]);
    }
  });

  it('when a socket closes while its token is being verified, then it holds no place of its caller and no re-check runs for it', async () => {
    let release: (principal: Principal) => void = () => undefined;
    const verify = jest.spyOn(auth, 'verdict').mockImplementationOnce(() => new Promise((resolve) => (release = resolve)));
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { token: 'slow' } }));
    await until(() => verify.mock.calls.length === 1);
    await new Promise((resolve) => socket.once('close', resolve).close(1000));
    await until(() => subscriptions.connections === 0);
    release({ sub: 'usr_1', role: 'user', permissions: [], tenantId: DEFAULT_TENANT_ID });
    await sleep(OPTIONS.recheckMs * 3);
    // Nothing is left of the closed socket: no re-check of its token, both of usr_1's places free.
    expect(verify.mock.calls.filter(([token]) => token === 'slow')).toHaveLength(1);
    const first = await open('good');
    const second = await open('good');
    try {
      expect([first.acked, second.acked]).toEqual([true, true]);
    } finally {
      await closeAll([first.socket, second.socket]);
    }
  });

  it('when the instance holds its most sockets, then one more upgrade is answered 503 with Retry-After', async () => {
    const held = await Promise.all([open('good'), open('good'), open('other')]);
    try {
      expect(held.map((h) => h.acked)).toEqual([true, true, true]);
      const refused = await open('other');
      expect(refused.status).toBe(503);
    } finally {
      await closeAll(held.map((h) => h.socket));
    }
  });

  it('when a socket already runs its most subscriptions, then one more is refused with graphql_too_many_subscriptions (429)', async () => {
    const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { token: 'good' }, retryAttempts: 0 });
    const sink = (errors: unknown[]) => ({ next: () => undefined, error: (e: unknown) => void errors.push(e), complete: () => undefined });
    const errors: unknown[] = [];
    try {
      const ends = [
        client.subscribe({ query: 'subscription { quiet }' }, sink(errors)),
        client.subscribe({ query: 'subscription { quiet }' }, sink(errors)),
      ];
      await sleep(100);
      const refused: unknown[] = [];
      client.subscribe({ query: 'subscription { quiet }' }, sink(refused));
      await until(() => refused.length > 0);
      expect(refused[0]).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'graphql_too_many_subscriptions', status: 429 }) }),
      ]);
      expect(errors).toEqual([]);
      ends.forEach((end) => end());
    } finally {
      await client.dispose();
    }
  });

  /** The values of one subscription through the graphql-ws client with a bearer `token`. */
  async function subscribe(payload: { query: string; operationName?: string; variables?: Record<string, unknown> }, token = 'good') {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    const values: unknown[] = [];
    try {
      for await (const value of client.iterate(payload)) values.push(value);
      return values;
    } finally {
      await client.dispose();
    }
  }

  it.each([
    ['no payload', undefined],
    ['an authorization that is not a bearer token', { authorization: 'Basic dXNyOnB3' }],
    ['an empty token', { token: '' }],
    ['a token that is not a string', { token: 42 }],
  ])('when connection_init has %s, then the socket is closed 4403 without asking the verifier', async (_case, payload) => {
    const verify = jest.spyOn(auth, 'verdict');
    await expect(init(payload)).resolves.toEqual({ acked: false, code: 4403 });
    expect(verify).not.toHaveBeenCalled();
  });

  it('when the token is given as `token`, then it is verified and the connection acknowledged; a refused one closes 4403', async () => {
    await expect(init({ token: 'good' })).resolves.toEqual({ acked: true, code: null });
    await expect(init({ token: 'revoked' })).resolves.toEqual({ acked: false, code: 4403 });
  });

  it('when the verifier fails for another reason than the token, then the socket is closed as an internal error, not 4403', async () => {
    // graphql-ws reports the internal error on the console before it closes the socket.
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    auth.verdict = async () => {
      throw new Error('database down');
    };
    try {
      const ended = await init({ token: 'good' });
      expect(ended.acked).toBe(false);
      expect(ended.code).toBe(4500);
    } finally {
      consoleError.mockRestore();
    }
  });

  it('when a re-check fails for another reason than the token, then it is logged and the socket stays open; an Unauthorized closes it 4403', async () => {
    const closed: number[] = [];
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { token: 'good' },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      on: { closed: (event) => void closed.push((event as { code: number }).code) },
    });
    try {
      await new Promise((resolve) => client.on('connected', resolve));
      auth.verdict = async () => {
        throw new Error('database down');
      };
      await until(() => (logger.warn as jest.Mock).mock.calls.length > 0);
      expect(logger.warn).toHaveBeenCalledWith('graphql subscription token re-check failed', { error: expect.any(Error) });
      expect(closed).toEqual([]);
      auth.verdict = async () => {
        throw new Unauthorized();
      };
      await until(() => closed.length > 0);
      expect(closed).toEqual([4403]);
    } finally {
      await client.dispose();
    }
  });

  it('when a subscription names its operation among several, then that one runs with its variables; without variables the defaults apply', async () => {
    const document = 'subscription Once { whoami } subscription Twice($n: Int) { whoami(times: $n) }';
    await expect(subscribe({ query: document, operationName: 'Twice', variables: { n: 2 } })).resolves.toEqual([
      { data: { whoami: 'usr_1' } },
      { data: { whoami: 'usr_1' } },
    ]);
    await expect(subscribe({ query: document, operationName: 'Once' })).resolves.toEqual([{ data: { whoami: 'usr_1' } }]);
  });

  it('when a query is sent over the socket, then it is refused: only subscriptions run there', async () => {
    await expect(subscribe({ query: '{ ping }' })).rejects.toEqual([
      expect.objectContaining({ message: expect.stringContaining('Only subscriptions run over WebSocket') }),
    ]);
  });

  it('when an upgrade has no URL, then 404; when the server is closing, then 503', async () => {
    const fake = new EventEmitter() as unknown as Server;
    const other = createSubscriptionServer(schema, {} as GraphqlServices, auth, {} as EventFanout, OPTIONS, logger);
    other.attach(fake);
    const answer = (url: string | undefined) => {
      const socket = { end: jest.fn() };
      fake.emit('upgrade', { url, headers: {} }, socket, Buffer.alloc(0));
      return socket.end.mock.calls[0]?.[0] as string | undefined;
    };
    expect(answer(undefined)).toMatch(/^HTTP\/1.1 404 /);
    await other.close();
    expect(answer('/api/v1/graphql?x=1')).toMatch(/^HTTP\/1.1 503 /);
    expect(other.connections).toBe(0);
  });
});
