import type { Request, Response } from 'express';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import type { Logger } from '../../../src/infra/logger';
import type { GraphqlServices } from '../../../src/protocols/graphql/context';
import { graphqlHandler } from '../../../src/protocols/graphql/http';
import { RateLimited, Unavailable } from '../../../src/shared/errors';
import type { Principal } from '../../../src/shared/principal';
import { DEFAULT_TENANT_ID } from '../../../src/shared/tenant-settings';

/** A schema of two query fields, enough to choose among operations. */
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      me: { type: GraphQLString, resolve: (_root, _args, context: { principal: Principal }) => context.principal.sub },
      ping: { type: GraphQLString, resolve: () => 'pong' },
    },
  }),
});
const principal: Principal = { sub: 'usr_1', role: 'user', permissions: [], tenantId: DEFAULT_TENANT_ID };
const logger = { warn: jest.fn(), error: jest.fn(), info: jest.fn() } as unknown as Logger;
const handler = graphqlHandler(schema, {} as GraphqlServices, { introspection: false, maxDepth: 10, maxComplexity: 100 }, logger);

/** Runs the handler on a request and returns the status, headers and JSON it answered with. */
async function send(request: { principal?: Principal; authError?: unknown; body: unknown }) {
  const answer: {
    status?: number;
    headers: Record<string, string>;
    body?: { data?: unknown; errors?: { message: string; extensions: { code: string } }[] };
  } = {
    headers: {},
  };
  const res = {
    locals: { requestId: 'req_1' },
    setHeader: (name: string, value: string) => void (answer.headers[name] = value),
    status: (status: number) => {
      answer.status = status;
      return res;
    },
    json: (body: typeof answer.body) => {
      answer.body = body;
      return res;
    },
  } as unknown as Response;
  await handler(request as unknown as Request, res, jest.fn());
  return answer;
}

describe('GraphQL over HTTP handler', () => {
  const document = 'query Mine { me } query Ping { ping }';

  it('when a document has several operations, then operationName picks the one that runs', async () => {
    await expect(send({ principal, body: { query: document, operationName: 'Ping' } })).resolves.toMatchObject({
      status: 200,
      body: { data: { ping: 'pong' } },
    });
    await expect(send({ principal, body: { query: document, operationName: 'Mine' } })).resolves.toMatchObject({
      status: 200,
      body: { data: { me: 'usr_1' } },
    });
  });

  it('when several operations come without operationName, or the named one is absent, then 400 says which is wrong', async () => {
    const unnamed = await send({ principal, body: { query: document } });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body?.errors?.[0]?.message).toBe('Several operations: say which one in operationName');
    const missing = await send({ principal, body: { query: document, operationName: 'Other' } });
    expect(missing.status).toBe(400);
    expect(missing.body?.errors?.[0]?.message).toBe('No operation named "Other"');
  });

  it('when the variables hold a NUL byte, then the request is refused as validation_failed before it runs', async () => {
    const refused = await send({ principal, body: { query: '{ me }', variables: { note: 'a\u0000b' } } });
    expect(refused.status).toBe(400);
    expect(refused.body?.errors?.[0]?.extensions.code).toBe('validation_failed');
  });

  it('when authentication failed with a retry-after (rate limited, store unavailable), then its status and Retry-After header are sent', async () => {
    const limited = await send({ authError: new RateLimited(7), body: { query: '{ me }' } });
    expect(limited).toMatchObject({ status: 429, headers: { 'Retry-After': '7' } });
    expect(limited.body?.errors?.[0]?.extensions.code).toBe('rate_limited');
    const down = await send({
      authError: new Unavailable('The database cannot be reached', 'database_unavailable', 3),
      body: { query: '{ me }' },
    });
    expect(down).toMatchObject({ status: 503, headers: { 'Retry-After': '3' } });
  });
});
