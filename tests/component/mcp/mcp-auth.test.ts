import { discoverOAuthProtectedResourceMetadata } from '@modelcontextprotocol/sdk/client/auth.js';
import jwt from 'jsonwebtoken';
import { registerAgent, type TestAgent } from '../../support/agents';
import { listen, mcpClient, structured } from '../../support/mcp';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '1' } },
};

describe('MCP authorization', () => {
  let t: TestApp;
  let http: Awaited<ReturnType<typeof listen>>;
  let agent: TestAgent;
  const metadataUrl = 'https://pay.example.com/.well-known/oauth-protected-resource/mcp';

  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_BASE_URL: 'https://pay.example.com', CORS_ORIGINS: 'https://inspector.example.com' });
    http = await listen(t);
    agent = await registerAgent(t, { funds: 100 });
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  const post = (authorization?: string) => {
    const req = t.http().post('/mcp').set('Accept', 'application/json, text/event-stream');
    return (authorization ? req.set('Authorization', authorization) : req).send(initialize);
  };

  it('when the protected-resource metadata is asked for, then both well-known paths answer with absolute URLs (RFC 9728)', async () => {
    const mcp = await t.http().get('/.well-known/oauth-protected-resource/mcp');
    expect(mcp.status).toBe(200);
    expect(mcp.body).toEqual({
      resource: 'https://pay.example.com/mcp',
      resource_name: 'Open Commerce Protocol (OCP)',
      authorization_servers: ['https://pay.example.com'],
      bearer_methods_supported: ['header'],
      ocp_token_endpoint: 'https://pay.example.com/api/v1/auth/token',
    });
    // The SDK's own discovery finds and parses it from the server URL.
    expect(await discoverOAuthProtectedResourceMetadata(`${http.baseUrl}/mcp`)).toMatchObject({ resource: 'https://pay.example.com/mcp' });
    const root = await t.http().get('/.well-known/oauth-protected-resource');
    expect(root.body).toMatchObject({ resource: 'https://pay.example.com', bearer_methods_supported: ['header'] });
  });

  it('when no token comes, then 401 with a challenge that points at the metadata', async () => {
    const res = await post();
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer resource_metadata="${metadataUrl}"`);
    expect(res.body.error.code).toBe('unauthorized');
    const metric = await t.container.metrics.registry.getSingleMetricAsString('http_requests_total');
    expect(metric).toContain('http_requests_total{method="POST",route="/mcp",status="401"}');
  });

  it('when the token has expired, then 401 invalid_token, and the SDK client cannot connect', async () => {
    const claims = jwt.decode(agent.auth.Authorization.slice('Bearer '.length)) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign({ ...claims, iat: now - 120, exp: now - 60 }, t.config.JWT_SECRET, { algorithm: 'HS256' });
    const res = await post(`Bearer ${expired}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer resource_metadata="${metadataUrl}", error="invalid_token"`);
    expect(res.body.error.code).toBe('token_expired');
    await expect(mcpClient(http.baseUrl, `Bearer ${expired}`)).rejects.toThrow();
  });

  it('when the agent is revoked, then its token stops at the next request of an open client', async () => {
    const doomed = await registerAgent(t, { funds: 100 });
    const client = await mcpClient(http.baseUrl, doomed.auth.Authorization);
    try {
      expect(structured(await client.callTool({ name: 'get_balance', arguments: {} }))).toMatchObject({ wallet_id: doomed.walletId });
      expect((await t.http().post(`/api/v1/agents/${doomed.id}/revoke`).set(doomed.owner.auth)).status).toBe(200);
      await expect(client.callTool({ name: 'get_balance', arguments: {} })).rejects.toThrow();
      const res = await post(doomed.auth.Authorization);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('agent_not_active');
    } finally {
      await client.close();
    }
  });

  it("when a user's token comes, then 403 agent_only: the server is for agents", async () => {
    const user = await registerUser(t);
    const res = await post(user.auth.Authorization);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('agent_only');
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('when a browser-based client on an allowed origin asks, then it may send the MCP headers and read the challenge', async () => {
    const preflight = await t
      .http()
      .options('/mcp')
      .set('Origin', 'https://inspector.example.com')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type,mcp-protocol-version');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('Mcp-Protocol-Version');
    const refused = await post().set('Origin', 'https://inspector.example.com');
    expect(refused.headers['access-control-expose-headers']).toContain('WWW-Authenticate');
  });

  it('when a message carries a NUL byte or nests too deep, then 400 validation_failed before any tool runs, not a 500', async () => {
    const call = (args: unknown) =>
      t
        .http()
        .post('/mcp')
        .set(agent.auth)
        .set('Accept', 'application/json, text/event-stream')
        .send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'pay', arguments: args } });
    const payee = await registerAgent(t);
    const nul = await call({ to_wallet_id: payee.walletId, amount: '1', currency: 'USD', memo: 'a\u0000b', idempotency_key: 'k-nul' });
    expect(nul.status).toBe(400);
    expect(nul.body.error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'body.params.arguments.memo' }] } });
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i += 1) deep = { a: deep };
    expect((await call({ memo: deep })).status).toBe(400);
  });

  it('when a client opens the GET stream or deletes a session, then 405: the server is stateless', async () => {
    const get = await t.http().get('/mcp').set(agent.auth).set('Accept', 'text/event-stream');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect((await t.http().delete('/mcp').set(agent.auth)).status).toBe(405);
  });

  it('when a valid agent token initializes, then the server names itself and offers tools and resources', async () => {
    const res = await post(agent.auth.Authorization);
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ serverInfo: { name: 'ocp' }, capabilities: { tools: {}, resources: {} } });
    expect(res.headers['mcp-session-id']).toBeUndefined();
  });

  it.each(['2025-11-25', '2025-06-18', '2025-03-26'])('when a client asks for protocol %s, then the server speaks it', async (version) => {
    const res = await t
      .http()
      .post('/mcp')
      .set('Accept', 'application/json, text/event-stream')
      .set(agent.auth)
      .send({ ...initialize, params: { ...initialize.params, protocolVersion: version } });
    expect(res.body.result.protocolVersion).toBe(version);
  });
});
