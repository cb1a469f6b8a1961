import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { A2A_PROTOCOL_VERSION, AgentCard, TaskState } from '@a2a-js/sdk';
import { registerAgent, type TestAgent } from '../../support/agents';
import { balanceOf, ledgerInvariants } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';
import { a2aClient, artifactData, asTask, dataMessage, openListener, send, statusData } from './support';

describe('A2A server (agent cards, JSON-RPC, HTTP+JSON) over the agent payment service', () => {
  let t: TestApp;
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    const listener = await openListener();
    server = listener.server;
    baseUrl = listener.baseUrl;
    t = await startTestApp({ PUBLIC_BASE_URL: baseUrl });
    listener.serve(t.app);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  const pay = async (payer: TestAgent, payee: TestAgent, data: Record<string, unknown>, messageId?: string) => {
    const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
    return asTask(await client.sendMessage(send(dataMessage(data, messageId))));
  };

  it('when a client resolves an agent card, then it parses as an A2A v1.0 card with absolute endpoints and the bearer scheme', async () => {
    const payee = await registerAgent(t, { name: 'data-vendor' });
    const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`);
    const card = await client.getAgentCard();
    expect(card.name).toBe('data-vendor');
    expect(card.supportedInterfaces).toEqual([
      { url: `${baseUrl}/a2a/${payee.id}`, protocolBinding: 'JSONRPC', protocolVersion: A2A_PROTOCOL_VERSION, tenant: '' },
      { url: `${baseUrl}/a2a/${payee.id}/rest`, protocolBinding: 'HTTP+JSON', protocolVersion: A2A_PROTOCOL_VERSION, tenant: '' },
    ]);
    expect(A2A_PROTOCOL_VERSION).toBe('1.0');
    expect(card.skills.map((s) => s.id)).toEqual(['receive-payment', 'request-payment', 'balance-and-history']);
    expect(card.securitySchemes['ocpAgentToken']?.scheme).toMatchObject({
      $case: 'httpAuthSecurityScheme',
      value: { scheme: 'Bearer', bearerFormat: 'JWT' },
    });
    expect(card.securityRequirements).toEqual([{ schemes: { ocpAgentToken: { list: [] } } }]);
    expect(card.capabilities).toMatchObject({ streaming: true, pushNotifications: true });

    const deployment = await fetch(`${baseUrl}/.well-known/agent-card.json`);
    expect(deployment.status).toBe(200);
    const parsed = AgentCard.fromJSON(await deployment.json());
    expect(parsed.supportedInterfaces[0]?.url).toBe(`${baseUrl}/a2a`);
    expect((await fetch(`${baseUrl}/a2a/agt_doesnotexist/.well-known/agent-card.json`)).status).toBe(404);
    // Not served below /a2a: a client given …/a2a/{agentId} without its slash finds no card rather than the wrong one.
    expect((await fetch(`${baseUrl}/a2a/.well-known/agent-card.json`)).status).toBe(404);
  });

  it('when an agent sends a payment message, then the task completes with a receipt and the money moved once, also on a replay', async () => {
    const payer = await registerAgent(t, { funds: 1_000, policy: { maxPerTransaction: '500' } });
    const payee = await registerAgent(t);
    const messageId = randomUUID();
    const task = await pay(payer, payee, { amount: '250', currency: 'USD', memo: 'api credits' }, messageId);
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(task.artifacts[0]?.name).toBe('payment-receipt');
    const receipt = artifactData(task);
    expect(receipt).toMatchObject({
      paymentId: expect.stringMatching(/^apm_/),
      transferId: expect.any(String),
      status: 'completed',
      amount: '250',
      currency: 'USD',
      from: payer.id,
      to: payee.id,
      replayed: false,
    });
    expect(await balanceOf(t, payer.walletId)).toBe(750n);
    expect(await balanceOf(t, payee.walletId)).toBe(250n);

    const again = await pay(payer, payee, { amount: '250', currency: 'USD', memo: 'api credits' }, messageId);
    expect(again.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(artifactData(again)).toMatchObject({ paymentId: receipt['paymentId'], transferId: receipt['transferId'], replayed: true });
    expect(await balanceOf(t, payer.walletId)).toBe(750n);
    expect(await balanceOf(t, payee.walletId)).toBe(250n);
    const rows = await t.container.db.query('SELECT 1 FROM agent_payments WHERE agent_id = $1', [payer.id]);
    expect(rows.rowCount).toBe(1);

    const changed = await pay(payer, payee, { amount: '300', currency: 'USD' }, messageId);
    expect(changed.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(statusData(changed)).toMatchObject({ error: { code: 'idempotency_conflict' } });
    expect(await ledgerInvariants(t)).toMatchObject({ unbalancedTransfers: 0, walletsWhoseBalanceDisagreesWithEntries: 0 });
  });

  it('when the payment breaks the policy, then the task fails naming the rule and nothing moves', async () => {
    const payer = await registerAgent(t, { funds: 1_000, policy: { maxPerTransaction: '100' } });
    const payee = await registerAgent(t);
    const task = await pay(payer, payee, { amount: '101', currency: 'USD' });
    expect(task.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(statusData(task)).toMatchObject({ error: { code: 'policy_violation', rule: 'max_per_transaction' } });
    expect(task.status?.message?.parts[0]?.content).toMatchObject({ $case: 'text', value: expect.stringContaining('max_per_transaction') });
    expect(await balanceOf(t, payer.walletId)).toBe(1_000n);

    const budget = await registerAgent(t, { funds: 1_000, policy: { dailyBudget: '300' } });
    expect((await pay(budget, payee, { amount: '200', currency: 'USD' })).status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const over = await pay(budget, payee, { amount: '200', currency: 'USD' });
    expect(statusData(over)).toMatchObject({ error: { code: 'policy_violation', rule: 'daily_budget' } });
    expect(await balanceOf(t, budget.walletId)).toBe(800n);
  });

  it('when the message carries a mandate, then the mandate is checked and never kept in the task', async () => {
    const payer = await registerAgent(t, { funds: 100 });
    const payee = await registerAgent(t);
    const mandate = 'eyJhbGciOiJFUzI1NiJ9.not-a-mandate.c2ln';
    const task = await pay(payer, payee, { amount: '10', currency: 'USD', mandate });
    expect(task.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(statusData(task)).toMatchObject({ error: { code: 'mandate_malformed' } });
    const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
    const read = await client.getTask({ tenant: '', id: task.id, historyLength: undefined });
    expect(read.history[0]?.parts[0]?.content).toMatchObject({ $case: 'data', value: { amount: '10', mandate: '[redacted]' } });
    const stored = await t.container.db.query<{ task: unknown }>('SELECT task FROM a2a_tasks WHERE id = $1', [task.id]);
    expect(JSON.stringify(stored.rows[0]!.task)).not.toContain('not-a-mandate');
    expect(await balanceOf(t, payer.walletId)).toBe(100n);
  });

  it('when the amount is above the approval threshold, then the task waits in auth-required and nothing moves', async () => {
    const payer = await registerAgent(t, { funds: 1_000, policy: { approvalThreshold: '100' } });
    const payee = await registerAgent(t);
    const task = await pay(payer, payee, { amount: '150', currency: 'USD' });
    expect(task.status?.state).toBe(TaskState.TASK_STATE_AUTH_REQUIRED);
    const { paymentId } = artifactData(task) as { paymentId: string };
    expect(artifactData(task)).toMatchObject({ status: 'pending_approval', transferId: null, approvalExpiresAt: expect.any(String) });
    expect(await balanceOf(t, payer.walletId)).toBe(1_000n);

    // A task waiting for the owner cannot be cancelled from A2A: the owner decides.
    const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
    await expect(client.cancelTask({ tenant: '', id: task.id, metadata: undefined })).rejects.toThrow(/owner/);
    // …nor continued: a follow-up gets a message and leaves the task (and its pending payment) as it was.
    const followUp = await client.sendMessage(
      send({ ...dataMessage({ amount: '1', currency: 'USD' }), taskId: task.id, contextId: task.contextId }),
    );
    expect(followUp).not.toHaveProperty('status');
    expect((await client.getTask({ tenant: '', id: task.id, historyLength: undefined })).status?.state).toBe(
      TaskState.TASK_STATE_AUTH_REQUIRED,
    );
    expect((await t.container.db.query('SELECT 1 FROM agent_payments WHERE agent_id = $1', [payer.id])).rowCount).toBe(1);

    const approved = await t
      .http()
      .post(`/api/v1/agents/approvals/${paymentId}/approve`)
      .set(payer.owner.auth)
      .set('Idempotency-Key', randomUUID());
    expect(approved.status).toBe(201);
    expect(await balanceOf(t, payee.walletId)).toBe(150n);
    // The owner's approval moves the task on (an in-process event, handled just after the approval's commit).
    let read = await client.getTask({ tenant: '', id: task.id, historyLength: undefined });
    for (let i = 0; i < 50 && read.status?.state !== TaskState.TASK_STATE_COMPLETED; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      read = await client.getTask({ tenant: '', id: task.id, historyLength: undefined });
    }
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(artifactData(read)).toMatchObject({ paymentId, status: 'completed', transferId: expect.any(String), approvedByOwner: true });
  });

  it('when the message is not a skill call, then the task is rejected naming the fields', async () => {
    const payer = await registerAgent(t, { funds: 100 });
    const payee = await registerAgent(t);
    const task = await pay(payer, payee, { amount: 250, currency: 'USD' });
    expect(task.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(statusData(task)).toMatchObject({ error: { code: 'validation_failed', details: { fields: [{ field: 'amount' }] } } });
    const odd = await pay(payer, payee, { amount: '1', currency: 'USD' }, 'ünïcode message id');
    expect(odd.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(statusData(odd)).toMatchObject({ error: { code: 'validation_failed', details: { fields: [{ field: 'message.messageId' }] } } });
  });

  it('when the call has no token, a bad one or a user token, then it is refused in the binding error shape before any task', async () => {
    const payee = await registerAgent(t);
    const anonymous = await a2aClient(`${baseUrl}/a2a/${payee.id}`);
    await expect(anonymous.sendMessage(send(dataMessage({ amount: '1', currency: 'USD' })))).rejects.toThrow(/bearer token is required/);

    const body = { jsonrpc: '2.0', id: 7, method: 'SendMessage', params: { message: {} } };
    const headers = { 'Content-Type': 'application/json', 'A2A-Version': '1.0' };
    const bad = await fetch(`${baseUrl}/a2a/${payee.id}`, {
      method: 'POST',
      headers: { ...headers, Authorization: 'Bearer x.y.z' },
      body: JSON.stringify(body),
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await bad.json()).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32600, data: { httpStatus: 401 } } });

    const user = await registerUser(t);
    const asUser = await fetch(`${baseUrl}/a2a/${payee.id}/rest/message:send`, {
      method: 'POST',
      headers: { ...headers, ...user.auth },
      body: '{}',
    });
    expect(asUser.status).toBe(403);
    expect(await asUser.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED', details: [{ reason: 'agent_only' }] } });

    const payer = await registerAgent(t);
    const unknown = await fetch(`${baseUrl}/a2a/agt_doesnotexist`, {
      method: 'POST',
      headers: { ...headers, ...payer.auth },
      body: JSON.stringify(body),
    });
    expect(unknown.status).toBe(404);
    const rows = await t.container.db.query('SELECT 1 FROM a2a_tasks WHERE target_agent_id = $1', [payee.id]);
    expect(rows.rowCount).toBe(0);
  });

  it('when another agent asks for a task, then it is not found; the caller reads its own, also through HTTP+JSON', async () => {
    const payer = await registerAgent(t, { funds: 500 });
    const payee = await registerAgent(t);
    const task = await pay(payer, payee, { amount: '10', currency: 'USD' });

    const own = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
    expect((await own.getTask({ tenant: '', id: task.id, historyLength: undefined })).status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const ownRest = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth, 'HTTP+JSON');
    expect(artifactData(await ownRest.getTask({ tenant: '', id: task.id, historyLength: undefined }))).toMatchObject({ amount: '10' });

    const other = await registerAgent(t);
    const stranger = await a2aClient(`${baseUrl}/a2a/${payee.id}`, other.auth);
    await expect(stranger.getTask({ tenant: '', id: task.id, historyLength: undefined })).rejects.toThrow(/not found/i);
    const strangerRest = await a2aClient(`${baseUrl}/a2a/${payee.id}`, other.auth, 'HTTP+JSON');
    await expect(strangerRest.getTask({ tenant: '', id: task.id, historyLength: undefined })).rejects.toThrow(/not found/i);
    // Continuing another agent's task by naming its id is refused the same way, and pays nothing.
    const hijack = { ...dataMessage({ amount: '10', currency: 'USD' }), taskId: task.id };
    await expect(stranger.sendMessage(send(hijack))).rejects.toThrow(/not found/i);
    expect(await balanceOf(t, other.walletId)).toBe(0n);
  });

  it('when the payment goes through HTTP+JSON, then it completes the same way', async () => {
    const payer = await registerAgent(t, { funds: 100 });
    const payee = await registerAgent(t);
    const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth, 'HTTP+JSON');
    const task = asTask(await client.sendMessage(send(dataMessage({ amount: '40', currency: 'USD' }))));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(await balanceOf(t, payee.walletId)).toBe(40n);
  });

  it('when the client streams the message, then it sees the task working, the receipt, and the completion', async () => {
    const payer = await registerAgent(t, { funds: 100 });
    const payee = await registerAgent(t);
    const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
    const seen: string[] = [];
    for await (const event of client.sendMessageStream(send(dataMessage({ amount: '30', currency: 'USD' })))) {
      const payload = event.payload;
      if (payload?.$case === 'task') seen.push(`task:${payload.value.status?.state}`);
      if (payload?.$case === 'artifactUpdate') seen.push(`artifact:${payload.value.artifact?.name}`);
      if (payload?.$case === 'statusUpdate') seen.push(`status:${payload.value.status?.state}`);
    }
    expect(seen).toEqual([`task:${TaskState.TASK_STATE_WORKING}`, 'artifact:payment-receipt', `status:${TaskState.TASK_STATE_COMPLETED}`]);
    expect(await balanceOf(t, payee.walletId)).toBe(30n);
  });

  it('when an agent issues a payment request, then another agent settles it once through receive-payment at the stored amount', async () => {
    const payee = await registerAgent(t);
    const payer = await registerAgent(t, { funds: 1_000 });
    const own = await a2aClient(baseUrl, payee.auth);
    const issued = asTask(
      await own.sendMessage(send(dataMessage({ skill: 'request-payment', amount: '120', currency: 'USD', memo: 'report' }))),
    );
    expect(issued.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const request = artifactData(issued) as { requestId: string; payTo: { a2aUrl: string }; settle: { data: Record<string, unknown> } };
    expect(request).toMatchObject({
      amount: '120',
      currency: 'USD',
      status: 'open',
      payTo: { agentId: payee.id, a2aUrl: `${baseUrl}/a2a/${payee.id}` },
    });

    const client = await a2aClient(request.payTo.a2aUrl, payer.auth);
    const paid = asTask(await client.sendMessage(send(dataMessage(request.settle.data))));
    expect(paid.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(artifactData(paid)).toMatchObject({ amount: '120', requestId: request.requestId, to: payee.id });
    expect(await balanceOf(t, payee.walletId)).toBe(120n);

    const twice = asTask(await client.sendMessage(send(dataMessage(request.settle.data))));
    expect(statusData(twice)).toMatchObject({ error: { code: 'payment_request_settled' } });
    // A request is settled only at its payee: sent to another agent it is not found.
    const elsewhere = await a2aClient(`${baseUrl}/a2a/${payer.id}`, payer.auth);
    const wrong = asTask(await elsewhere.sendMessage(send(dataMessage(request.settle.data))));
    expect(statusData(wrong)).toMatchObject({ error: { code: 'payment_request_not_found' } });
    expect(await balanceOf(t, payer.walletId)).toBe(880n);
  });

  it('when an agent asks its balance and history, then it gets its own wallet balance and payments', async () => {
    const payer = await registerAgent(t, { funds: 500 });
    const payee = await registerAgent(t);
    await pay(payer, payee, { amount: '75', currency: 'USD' });
    // Through another agent's card the skill still answers for the caller itself.
    const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
    const task = asTask(await client.sendMessage(send(dataMessage({ skill: 'balance-and-history', limit: 5 }))));
    expect(artifactData(task)).toMatchObject({
      agentId: payer.id,
      walletId: payer.walletId,
      balance: '425',
      currency: 'USD',
      spent: { day: '75' },
      payments: [{ amount: '75', to: payee.id, status: 'completed' }],
    });
  });
});
