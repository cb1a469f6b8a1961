import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { discoverAuthorizationServerMetadata, discoverOAuthProtectedResourceMetadata } from '@modelcontextprotocol/sdk/client/auth.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { registerAgent, type TestAgent } from '../../support/agents';
import { mcpClient } from '../../support/mcp';
import { startTestApp, type TestApp } from '../../support/test-app';

/**
 * MCP authorization (2025-06-18): from /mcp's protected-resource metadata (RFC 9728) to OCP's
 * authorization-server metadata (RFC 8414) to a client_credentials token (RFC 6749 §4.4) that works
 * at /mcp, with the SDK's own discovery and client_credentials provider. PUBLIC_BASE_URL is the
 * address the test listens on, so every URL the documents name is one the SDK can follow.
 */
describe('MCP OAuth discovery and the client_credentials token endpoint', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  let agent: TestAgent;

  beforeAll(async () => {
    // Listening first, so the app can be built with its own address as PUBLIC_BASE_URL; no request comes before it is.
    server = createServer((req, res) => t.app(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await startTestApp({ PUBLIC_BASE_URL: base });
    agent = await registerAgent(t, { funds: 100 });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.close();
  });

  const tokenForm = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });

  async function toolNames(authorization: string): Promise<string[]> {
    const client = await mcpClient(base, authorization);
    try {
      return (await client.listTools()).tools.map((tool) => tool.name);
    } finally {
      await client.close();
    }
  }

  it("when an MCP client follows the SDK's discovery from /mcp, then it reaches OCP's authorization-server metadata and its token endpoint", async () => {
    const resource = await discoverOAuthProtectedResourceMetadata(`${base}/mcp`);
    expect(resource).toMatchObject({ resource: `${base}/mcp`, authorization_servers: [base] });
    const metadata = await discoverAuthorizationServerMetadata(resource.authorization_servers![0]!);
    expect(metadata).toMatchObject({
      issuer: base,
      token_endpoint: `${base}/api/v1/auth/token`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      response_types_supported: [],
    });
    const authorize = await fetch(`${metadata!.authorization_endpoint}?response_type=code&client_id=${agent.clientId}`);
    expect(authorize.status).toBe(400);
    expect(await authorize.json()).toMatchObject({ error: 'unsupported_response_type' });
  });

  it("when the SDK's client_credentials provider connects to /mcp with the agent's credentials, then it gets a token by itself and lists the tools", async () => {
    const provider = new ClientCredentialsProvider({ clientId: agent.clientId, clientSecret: agent.clientSecret, expectedIssuer: base });
    const client = new Client({ name: 'oauth-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { authProvider: provider }));
    try {
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('get_balance');
      expect(provider.tokens()).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    } finally {
      await client.close();
    }
  });

  it.each([
    [
      'client_secret_post',
      () => tokenForm({ grant_type: 'client_credentials', client_id: agent.clientId, client_secret: agent.clientSecret }),
    ],
    [
      'client_secret_basic',
      () => tokenForm({ grant_type: 'client_credentials', resource: `${base}/mcp` }, basic(agent.clientId, agent.clientSecret)),
    ],
  ])('when an agent asks the form way (%s), then RFC 6749 answers a bearer token that lists the tools at /mcp', async (_method, ask) => {
    const res = await ask();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    expect(await toolNames(`Bearer ${body.access_token}`)).toContain('pay');
  });

  it.each([
    [
      'a wrong secret in the form',
      () => ({ grant_type: 'client_credentials', client_id: agent.clientId, client_secret: 'wrong' }),
      {},
      401,
      'invalid_client',
    ],
    ['no client authentication', () => ({ grant_type: 'client_credentials' }), {}, 401, 'invalid_client'],
    ['no grant_type', () => ({ client_id: agent.clientId, client_secret: agent.clientSecret }), {}, 400, 'invalid_request'],
    [
      'another grant',
      () => ({ grant_type: 'password', client_id: agent.clientId, client_secret: agent.clientSecret }),
      {},
      400,
      'unsupported_grant_type',
    ],
    [
      'a scope',
      () => ({ grant_type: 'client_credentials', client_id: agent.clientId, client_secret: agent.clientSecret, scope: 'pay' }),
      {},
      400,
      'invalid_scope',
    ],
    [
      'a resource OCP is not',
      () => ({
        grant_type: 'client_credentials',
        client_id: agent.clientId,
        client_secret: agent.clientSecret,
        resource: 'https://elsewhere.example/mcp',
      }),
      {},
      400,
      'invalid_target',
    ],
  ])('when the form request has %s, then the RFC 6749 error answers it and no token', async (_case, fields, headers, status, error) => {
    const res = await tokenForm(fields(), headers);
    expect(res.status).toBe(status);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error });
    expect(body).not.toHaveProperty('access_token');
  });

  it('when HTTP Basic fails, or the client authenticates both ways, then invalid_client with a Basic challenge, or invalid_request', async () => {
    const wrong = await tokenForm({ grant_type: 'client_credentials' }, basic(agent.clientId, 'wrong'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="OCP"');
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const both = await tokenForm(
      { grant_type: 'client_credentials', client_id: agent.clientId, client_secret: agent.clientSecret },
      basic(agent.clientId, agent.clientSecret),
    );
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({ error: 'invalid_request' });
  });

  const rawForm = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
  const base64 = (text: string) => Buffer.from(text).toString('base64');

  it.each([
    ['a parameter sent twice', () => rawForm('grant_type=client_credentials&grant_type=client_credentials'), 400, 'invalid_request'],
    ['a NUL byte', () => rawForm('grant_type=client_credentials&client_id=a%00b&client_secret=x'), 400, 'invalid_request'],
    [
      'a Bearer header instead of Basic',
      () => rawForm('grant_type=client_credentials', { authorization: 'Bearer abc' }),
      401,
      'invalid_client',
    ],
    [
      'Basic without a colon',
      () => rawForm('grant_type=client_credentials', { authorization: `Basic ${base64('no-colon')}` }),
      401,
      'invalid_client',
    ],
    [
      'Basic with a broken escape',
      () => rawForm('grant_type=client_credentials', { authorization: `Basic ${base64('%E0%A4%A:x')}` }),
      401,
      'invalid_client',
    ],
    [
      'Basic credentials with a NUL byte in the client id, escaped',
      () => rawForm('grant_type=client_credentials', { authorization: `Basic ${base64('ci_a%00b:secret')}` }),
      401,
      'invalid_client',
    ],
    [
      "Basic credentials with a raw NUL byte in an agent's client id",
      () => rawForm('grant_type=client_credentials', { authorization: `Basic ${base64('agc_a\u0000b:secret')}` }),
      401,
      'invalid_client',
    ],
    [
      'a client id longer than any OCP issues',
      () => rawForm(`grant_type=client_credentials&client_id=${'a'.repeat(300)}&client_secret=x`),
      401,
      'invalid_client',
    ],
  ])('when the form has %s, then the RFC 6749 error answers it', async (_case, send, status, error) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error });
  });

  it("when the form is larger than the body limit, then 413 in OCP's error shape, and no token", async () => {
    const res = await rawForm(`grant_type=client_credentials&client_secret=${'x'.repeat(2_000_000)}`);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: expect.any(String) } });
  });

  it('when the JSON request is sent, then its own contract holds: camelCase token, OCP errors', async () => {
    const ok = await t.http().post('/api/v1/auth/token').send({ clientId: agent.clientId, clientSecret: agent.clientSecret });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ accessToken: expect.any(String), expiresIn: 900 });
    const refused = await t.http().post('/api/v1/auth/token').send({ clientId: agent.clientId, clientSecret: 'wrong' });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ code: 'invalid_client' });
  });

  it('when the OpenAPI document is read, then it lists the authorization-server metadata and the authorization endpoint', async () => {
    const { paths } = (await t.http().get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    expect(paths['/.well-known/oauth-authorization-server']).toHaveProperty('get');
    expect(paths['/api/v1/auth/authorize']).toHaveProperty('get');
  });
});
