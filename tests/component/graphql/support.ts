/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL answers are read as untyped JSON */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestApp } from '../../support/test-app';

export interface Listening {
  server: Server;
  baseUrl: string;
  wsUrl: string;
  close: () => Promise<void>;
}

/** The app on a real port, with the GraphQL WebSocket server attached as server.ts attaches it. */
export async function listenWithSubscriptions(t: TestApp): Promise<Listening> {
  const server = t.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.container.graphqlSubscriptions.attach(server);
  const { port } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/api/v1/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface GqlReply {
  status: number;
  body: { data?: Record<string, any>; errors?: { message: string; extensions: { code: string; status: number; details?: unknown } }[] };
}

/** A plain GraphQL-over-HTTP request with fetch. */
export async function gql(baseUrl: string, token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlReply> {
  const res = await fetch(`${baseUrl}/api/v1/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
  });
  return { status: res.status, body: (await res.json()) as GqlReply['body'] };
}

export function wsClient(wsUrl: string, token: string, onClosed?: (event: { code: number; reason: string }) => void): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
    on: { closed: (event) => onClosed?.(event as { code: number; reason: string }) },
    onNonLazyError: () => undefined,
  });
}

/** The first `count` results of a subscription (or its error), then unsubscribes. */
export function collect(client: Client, query: string, variables: Record<string, unknown>, count = 1) {
  const results: any[] = [];
  let unsubscribe: () => void = () => undefined;
  const done = new Promise<{ results: any[]; error?: unknown }>((resolve) => {
    unsubscribe = client.subscribe(
      { query, variables },
      {
        next: (value) => {
          results.push(value);
          if (results.length >= count) {
            unsubscribe();
            resolve({ results });
          }
        },
        error: (error) => resolve({ results, error }),
        complete: () => resolve({ results }),
      },
    );
  });
  return { done, unsubscribe: () => unsubscribe() };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
