import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { registerAgent, type TestAgent } from '../../support/agents';
import { balanceOf } from '../../support/ledger';
import { startTestApp, type TestApp } from '../../support/test-app';
import { openListener } from './support';

// The input guard every OCP edge runs (src/http/input-guard.ts), on both A2A bindings: a NUL byte
// reached PostgreSQL after the payment was made and before the task was stored.
describe('A2A input guard and internal errors', () => {
  let t: TestApp;
  let server: Server;
  beforeAll(async () => {
    const listener = await openListener();
    server = listener.server;
    t = await startTestApp({ PUBLIC_BASE_URL: listener.baseUrl });
    listener.serve(t.app);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });
  afterEach(() => jest.restoreAllMocks());

  const A2A = { 'A2A-Version': '1.0' };
  const rpc = (caller: TestAgent, to: string, method: string, params: unknown) =>
    t.http().post(`/a2a/${to}`).set(caller.auth).set(A2A).send({ jsonrpc: '2.0', id: 7, method, params });
  const payment = (extra: Record<string, unknown> = {}) => ({
    message: {
      messageId: randomUUID(),
      role: 'ROLE_USER',
      parts: [{ data: { amount: '500', currency: 'USD' }, mediaType: 'application/json' }],
      ...extra,
    },
  });
  const tasksOf = async (agent: TestAgent) => {
    const res = await rpc(agent, agent.id, 'ListTasks', {});
    expect(res.body.error).toBeUndefined();
    return res.body.result.tasks as unknown[];
  };
  const invalidParams = (field: string) => ({
    jsonrpc: '2.0',
    id: 7,
    error: {
      code: -32602,
      message: `Invalid request: ${field}: must not contain NUL bytes or unpaired UTF-16 surrogates`,
      data: [expect.objectContaining({ reason: 'INVALID_PARAMS', metadata: { field } })],
    },
  });

  it('when a SendMessage contextId holds a NUL byte, then it is refused as invalid params, nothing is paid and no task is kept, also on a retry', async () => {
    const payer = await registerAgent(t, { funds: 10_000 });
    const payee = await registerAgent(t);
    for (const attempt of [1, 2]) {
      const res = await rpc(payer, payee.id, 'SendMessage', payment({ contextId: `ctx-${attempt}\u0000` }));
      expect(res.status).toBe(200);
      expect(res.body).toEqual(invalidParams('body.params.message.contextId'));
    }
    expect(await balanceOf(t, payer.walletId)).toBe(10_000n);
    expect(await balanceOf(t, payee.walletId)).toBe(0n);
    expect(await tasksOf(payer)).toEqual([]);
  });

  it('when a JSON-RPC call carries a NUL byte, a lone surrogate or a __proto__ key anywhere, then it is invalid params naming the field', async () => {
    const payer = await registerAgent(t, { funds: 10_000 });
    const payee = await registerAgent(t);
    const cases: [string, unknown, string][] = [
      ['ListTasks', { contextId: 'a\u0000b' }, 'body.params.contextId'],
      ['GetTask', { id: 'a\u0000b' }, 'body.params.id'],
      ['GetTask', { id: 'a\ud800b' }, 'body.params.id'],
      ['CancelTask', { id: '\u0000' }, 'body.params.id'],
      ['SendMessage', payment({ metadata: { note: 'x\udc00' } }), 'body.params.message.metadata.note'],
    ];
    for (const [method, params, field] of cases) {
      const res = await rpc(payer, payee.id, method, params);
      expect(res.body).toEqual(invalidParams(field));
    }
    const proto = await t
      .http()
      .post(`/a2a/${payee.id}`)
      .set(payer.auth)
      .set(A2A)
      .set('Content-Type', 'application/json')
      .send('{"jsonrpc":"2.0","id":7,"method":"GetTask","params":{"id":"x","__proto__":{"a":1}}}');
    expect(proto.body.error).toMatchObject({
      code: -32602,
      data: [expect.objectContaining({ metadata: { field: 'body.params.__proto__' } })],
    });
    // A page token is the server's cursor, encoded: one made up with a NUL in it reads as the first page.
    const pageToken = Buffer.from(JSON.stringify(['2020-01-01T00:00:00.000Z', 'a\u0000'])).toString('base64url');
    const page = await rpc(payer, payee.id, 'ListTasks', { pageToken });
    expect(page.body.error).toBeUndefined();
    expect(page.body.result.tasks).toEqual([]);
    expect(await balanceOf(t, payer.walletId)).toBe(10_000n);
  });

  it('when an HTTP+JSON call carries a NUL byte in a path id, the query or the body, then it is 400 INVALID_ARGUMENT naming the field and nothing is paid', async () => {
    const payer = await registerAgent(t, { funds: 10_000 });
    const payee = await registerAgent(t);
    const rest = `/a2a/${payee.id}/rest`;
    const refusal = (field: string) => ({
      error: expect.objectContaining({
        code: 400,
        status: 'INVALID_ARGUMENT',
        details: [expect.objectContaining({ reason: 'INVALID_PARAMS', metadata: { field } })],
      }),
    });

    const task = await t.http().get(`${rest}/tasks/a%00b`).set(payer.auth).set(A2A);
    expect(task.status).toBe(400);
    expect(task.body).toEqual(refusal('path.tasks'));
    const list = await t.http().get(`${rest}/tasks?contextId=a%00`).set(payer.auth).set(A2A);
    expect(list.status).toBe(400);
    expect(list.body).toEqual(refusal('query.contextId'));
    const cancel = await t.http().post(`${rest}/tasks/%ED%A0%80:cancel`).set(payer.auth).set(A2A);
    expect(cancel.status).toBe(400);
    expect(cancel.body).toEqual(refusal('path.tasks'));

    for (const type of ['application/a2a+json', 'application/json']) {
      const send = await t
        .http()
        .post(`${rest}/message:send`)
        .set(payer.auth)
        .set(A2A)
        .set('Content-Type', type)
        .send(JSON.stringify(payment({ contextId: 'ctx\u0000' })));
      expect(send.status).toBe(400);
      expect(send.body).toEqual(refusal('body.message.contextId'));
    }
    expect(await balanceOf(t, payer.walletId)).toBe(10_000n);
    expect(await tasksOf(payer)).toEqual([]);
  });

  it('when an A2A path names an agent with a NUL byte, then it is not looked up: no token is 401, a card is 404', async () => {
    const noToken = await t
      .http()
      .post('/a2a/a%00b')
      .set(A2A)
      .send({ jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'x' } });
    expect(noToken.status).toBe(401);
    expect((await t.http().get('/a2a/a%00b/.well-known/agent-card.json')).status).toBe(404);
    expect((await t.http().get('/a2a/a%00b/rest/tasks')).status).toBe(401);
  });

  it('when a task read fails unexpectedly, then both bindings answer a generic internal error without its words', async () => {
    const payer = await registerAgent(t);
    const secret = 'invalid byte sequence for encoding "UTF8": 0x00';
    jest.spyOn(t.container.services.a2a.tasks, 'find').mockRejectedValue(new Error(secret));

    const viaRpc = await rpc(payer, payer.id, 'GetTask', { id: 'task-1' });
    expect(viaRpc.body.error).toEqual({ code: -32603, message: 'Something went wrong on our side' });
    const viaRest = await t.http().get(`/a2a/${payer.id}/rest/tasks/task-1`).set(payer.auth).set(A2A);
    expect(viaRest.status).toBe(500);
    expect(viaRest.body.error).toMatchObject({ code: 500, status: 'INTERNAL', message: 'Something went wrong on our side' });
    expect(JSON.stringify([viaRpc.body, viaRest.body])).not.toContain('UTF8');
  });

  it('when a skill fails unexpectedly, then the task fails with internal_error and says nothing of the error', async () => {
    const payer = await registerAgent(t, { funds: 100 });
    jest.spyOn(t.container.services.agents.payments, 'listPayments').mockRejectedValue(new Error('relation "secret_table" does not exist'));
    const res = await rpc(payer, payer.id, 'SendMessage', {
      message: {
        messageId: randomUUID(),
        role: 'ROLE_USER',
        parts: [{ data: { skill: 'balance-and-history' }, mediaType: 'application/json' }],
      },
    });
    expect(res.body.result.task.status.state).toBe('TASK_STATE_FAILED');
    expect(JSON.stringify(res.body)).toContain('internal_error');
    expect(JSON.stringify(res.body)).not.toContain('secret_table');
    const [stored] = (await tasksOf(payer)) as { status: unknown }[];
    expect(JSON.stringify(stored?.status)).not.toContain('secret_table');
  });
});
