import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { TaskState, type Task, type TaskPushNotificationConfig } from '@a2a-js/sdk';
import { registerAgent, type TestAgent } from '../../support/agents';
import { balanceOf } from '../../support/ledger';
import { startTestApp, type TestApp } from '../../support/test-app';
import { a2aClient, artifactData, asTask, dataMessage, openListener, startPushReceiver, statusData, type PushReceiver } from './support';

const TOKEN = 'rcv-token-8f1c';
const CREDENTIALS = 'rcv-credentials-2b7e';

const pushConfig = (url: string, over: Partial<TaskPushNotificationConfig> = {}): TaskPushNotificationConfig => ({
  tenant: '',
  id: '',
  taskId: '',
  url,
  token: TOKEN,
  authentication: { scheme: 'Bearer', credentials: CREDENTIALS },
  ...over,
});

/** SendMessage with a push-notification config, as A2A v1.0's SendMessageConfiguration carries it. */
const sendWithPush = (data: Record<string, unknown>, config: TaskPushNotificationConfig) => ({
  tenant: '',
  message: dataMessage(data),
  configuration: { acceptedOutputModes: [], taskPushNotificationConfig: config, historyLength: undefined, returnImmediately: false },
  metadata: undefined,
});

/** An A2A app on its own listener, so the SDK's client can resolve its cards. */
async function startA2aApp(env: Record<string, string> = {}): Promise<{ t: TestApp; server: Server; baseUrl: string }> {
  const listener = await openListener();
  const t = await startTestApp({ PUBLIC_BASE_URL: listener.baseUrl, ...env });
  listener.serve(t.app);
  return { t, server: listener.server, baseUrl: listener.baseUrl };
}

describe('A2A push notifications', () => {
  let t: TestApp;
  let server: Server;
  let baseUrl: string;
  const receivers: PushReceiver[] = [];
  beforeAll(async () => {
    ({ t, server, baseUrl } = await startA2aApp());
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });
  const receiver = async (answer?: 200 | 500 | 'hang') => {
    const r = await startPushReceiver(answer);
    receivers.push(r);
    return r;
  };
  const payWithPush = async (payer: TestAgent, payee: TestAgent, data: Record<string, unknown>, config: TaskPushNotificationConfig) => {
    const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
    return asTask(await client.sendMessage(sendWithPush(data, config)));
  };
  const stateIs = (task: Task, state: TaskState) => (push: { task: Task }) => push.task.id === task.id && push.task.status?.state === state;
  /** A payment above the payer's approval threshold: its task waits for the owner, its receiver follows it. */
  const pendingPayment = async () => {
    const payer = await registerAgent(t, { funds: 1_000, policy: { approvalThreshold: '100' } });
    const payee = await registerAgent(t);
    const r = await receiver();
    const task = await payWithPush(payer, payee, { amount: '150', currency: 'USD' }, pushConfig(r.url));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_AUTH_REQUIRED);
    await r.waitFor(stateIs(task, TaskState.TASK_STATE_AUTH_REQUIRED));
    const { paymentId } = artifactData(task) as { paymentId: string };
    return { payer, payee, r, task, paymentId };
  };

  it('when a push config comes with the payment, then the receiver gets the completed task with the token and credentials', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const r = await receiver();
    const task = await payWithPush(payer, payee, { amount: '250', currency: 'USD' }, pushConfig(r.url));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);

    const pushed = await r.waitFor(stateIs(task, TaskState.TASK_STATE_COMPLETED));
    expect(pushed.headers['x-a2a-notification-token']).toBe(TOKEN);
    expect(pushed.headers['authorization']).toBe(`Bearer ${CREDENTIALS}`);
    expect(pushed.headers['content-type']).toBe('application/a2a+json');
    expect(artifactData(pushed.task)).toMatchObject({ paymentId: artifactData(task)['paymentId'], status: 'completed', amount: '250' });
    // Every state the call went through, in order: working, then completed.
    expect(r.pushes.map((p) => p.task.status?.state)).toEqual([TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_COMPLETED]);

    // The config reads back without its secrets, which are encrypted at rest.
    const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
    const { configs } = await client.listTaskPushNotificationConfig({ tenant: '', taskId: task.id, pageSize: 10, pageToken: '' });
    expect(configs).toHaveLength(1);
    expect(configs[0]).toMatchObject({ taskId: task.id, url: r.url, token: '', authentication: { scheme: 'Bearer', credentials: '' } });
    const rows = await t.container.db.query('SELECT * FROM a2a_push_configs WHERE task_id = $1', [task.id]);
    expect(rows.rowCount).toBe(1);
    expect(JSON.stringify(rows.rows)).not.toContain(TOKEN);
    expect(JSON.stringify(rows.rows)).not.toContain(CREDENTIALS);
    expect(t.logs.text()).not.toContain(CREDENTIALS);
  });

  it('when ten configs are created for one task at once, then five are kept and the rest refused', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const r = await receiver();
    const task = await payWithPush(payer, payee, { amount: '5', currency: 'USD' }, pushConfig(r.url, { id: 'first' }));
    const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
    const created = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        client.createTaskPushNotificationConfig(pushConfig(r.url, { taskId: task.id, id: `watch-${i}` })),
      ),
    );
    expect(created.filter((c) => c.status === 'fulfilled')).toHaveLength(4);
    const { configs } = await client.listTaskPushNotificationConfig({ tenant: '', taskId: task.id, pageSize: 10, pageToken: '' });
    expect(configs).toHaveLength(5);
  });

  it('when a config is set on a waiting task over HTTP+JSON and the owner approves, then the completed task is pushed', async () => {
    const payer = await registerAgent(t, { funds: 1_000, policy: { approvalThreshold: '100' } });
    const payee = await registerAgent(t);
    const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth, 'HTTP+JSON');
    const task = asTask(
      await client.sendMessage({
        tenant: '',
        message: dataMessage({ amount: '150', currency: 'USD' }),
        configuration: undefined,
        metadata: undefined,
      }),
    );
    expect(task.status?.state).toBe(TaskState.TASK_STATE_AUTH_REQUIRED);
    const r = await receiver();
    const set = await client.createTaskPushNotificationConfig(pushConfig(r.url, { taskId: task.id, id: 'approval-watch' }));
    // The answer, like every read, leaves the secrets out: they are never shown again.
    expect(set).toMatchObject({ id: 'approval-watch', taskId: task.id, url: r.url, token: '', authentication: { credentials: '' } });
    const read = await client.getTaskPushNotificationConfig({ tenant: '', taskId: task.id, id: 'approval-watch' });
    expect(read).toMatchObject({ id: 'approval-watch', url: r.url, token: '' });

    const { paymentId } = artifactData(task) as { paymentId: string };
    const approved = await t
      .http()
      .post(`/api/v1/agents/approvals/${paymentId}/approve`)
      .set(payer.owner.auth)
      .set('Idempotency-Key', randomUUID());
    expect(approved.status).toBe(201);
    const pushed = await r.waitFor(stateIs(task, TaskState.TASK_STATE_COMPLETED));
    expect(pushed.headers['x-a2a-notification-token']).toBe(TOKEN);
    expect(pushed.headers['authorization']).toBe(`Bearer ${CREDENTIALS}`);
    expect(artifactData(pushed.task)).toMatchObject({
      paymentId,
      status: 'completed',
      transferId: expect.any(String),
      approvedByOwner: true,
    });
    expect(await balanceOf(t, payee.walletId)).toBe(150n);

    // Deleted, it is pushed to no more.
    await client.deleteTaskPushNotificationConfig({ tenant: '', taskId: task.id, id: 'approval-watch' });
    const { configs } = await client.listTaskPushNotificationConfig({ tenant: '', taskId: task.id, pageSize: 10, pageToken: '' });
    expect(configs).toEqual([]);
  });

  it('when the owner declines, then the task is rejected naming why, pushed, and nothing moves', async () => {
    const { payer, payee, r, task, paymentId } = await pendingPayment();
    const declined = await t.http().post(`/api/v1/agents/approvals/${paymentId}/decline`).set(payer.owner.auth);
    expect(declined.status).toBe(200);

    const pushed = await r.waitFor(stateIs(task, TaskState.TASK_STATE_REJECTED));
    expect(statusData(pushed.task)).toEqual({ error: { code: 'approval_declined', message: expect.stringContaining('declined') } });
    expect(artifactData(pushed.task)).toMatchObject({ paymentId, status: 'declined', transferId: null, approvedByOwner: false });
    const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
    expect((await client.getTask({ tenant: '', id: task.id, historyLength: undefined })).status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(await balanceOf(t, payer.walletId)).toBe(1_000n);
    expect(await balanceOf(t, payee.walletId)).toBe(0n);
  });

  it('when the approval expires, then the sweep fails the task naming why, without the owner looking, and pushes it', async () => {
    const { payer, payee, r, task, paymentId } = await pendingPayment();
    // The approval window passes (the test moves it instead of waiting a day), and the sweep that
    // the container runs every minute runs now.
    await t.container.db.query(`UPDATE agent_payments SET expires_at = now() - interval '1 second' WHERE id = $1`, [paymentId]);
    expect(await t.container.services.agents.payments.expireOverdue(100)).toBe(false);

    const pushed = await r.waitFor(stateIs(task, TaskState.TASK_STATE_FAILED));
    expect(statusData(pushed.task)).toEqual({ error: { code: 'approval_expired', message: expect.stringContaining('approval window') } });
    expect(artifactData(pushed.task)).toMatchObject({ paymentId, status: 'expired', transferId: null });
    const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
    expect((await client.getTask({ tenant: '', id: task.id, historyLength: undefined })).status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(await balanceOf(t, payer.walletId)).toBe(1_000n);
  });

  it.each(['JSONRPC', 'HTTP+JSON'] as const)(
    'when another agent reads or sets the configs of a task over %s, then it is told the task does not exist',
    async (binding) => {
      const payer = await registerAgent(t, { funds: 100 });
      const payee = await registerAgent(t);
      const r = await receiver();
      const task = await payWithPush(payer, payee, { amount: '10', currency: 'USD' }, pushConfig(r.url, { id: 'mine' }));
      const other = await registerAgent(t);
      const intruder = await a2aClient(`${baseUrl}/a2a/${payee.id}`, other.auth, binding);
      await expect(intruder.getTaskPushNotificationConfig({ tenant: '', taskId: task.id, id: 'mine' })).rejects.toThrow(/not found/i);
      await expect(intruder.listTaskPushNotificationConfig({ tenant: '', taskId: task.id, pageSize: 10, pageToken: '' })).rejects.toThrow(
        /not found/i,
      );
      const evil = await receiver();
      await expect(intruder.createTaskPushNotificationConfig(pushConfig(evil.url, { taskId: task.id, id: 'mine' }))).rejects.toThrow(
        /not found/i,
      );
      await expect(intruder.deleteTaskPushNotificationConfig({ tenant: '', taskId: task.id, id: 'mine' })).rejects.toThrow(/not found/i);

      const owner = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth, binding);
      const { configs } = await owner.listTaskPushNotificationConfig({ tenant: '', taskId: task.id, pageSize: 10, pageToken: '' });
      expect(configs.map((c) => c.url)).toEqual([r.url]);
      const rows = await t.container.db.query('SELECT owner_agent_id FROM a2a_push_configs WHERE task_id = $1', [task.id]);
      expect(rows.rows).toEqual([{ owner_agent_id: payer.id }]);
    },
  );

  it('when the receiver answers 500 or never answers, then the payment completes all the same', async () => {
    const failing = await receiver(500);
    const hanging = await receiver('hang');
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const first = await payWithPush(payer, payee, { amount: '100', currency: 'USD' }, pushConfig(failing.url));
    expect(first.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    await failing.waitFor(stateIs(first, TaskState.TASK_STATE_WORKING));

    const second = await payWithPush(payer, payee, { amount: '200', currency: 'USD' }, pushConfig(hanging.url));
    expect(second.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    await hanging.waitFor(stateIs(second, TaskState.TASK_STATE_WORKING));
    // The payer had its answer while the receiver still holds the first push unanswered.
    expect(hanging.waiting()).toBe(1);
    expect(await balanceOf(t, payer.walletId)).toBe(700n);
    expect(await balanceOf(t, payee.walletId)).toBe(300n);
    expect(t.logs.entries.some((e) => e['message'] === 'A2A push notification not delivered' && e['status'] === 500)).toBe(true);
  });

  it('when a config has a token with a line break or an unknown auth scheme, then it is refused naming the field', async () => {
    const payer = await registerAgent(t, { funds: 100 });
    const payee = await registerAgent(t);
    const r = await receiver();
    await expect(
      payWithPush(payer, payee, { amount: '10', currency: 'USD' }, pushConfig(r.url, { token: 'a\r\nX-Evil: 1' })),
    ).rejects.toThrow(/taskPushNotificationConfig\.token/);
    await expect(
      payWithPush(
        payer,
        payee,
        { amount: '10', currency: 'USD' },
        pushConfig(r.url, { authentication: { scheme: 'Bearer x', credentials: 'y' } }),
      ),
    ).rejects.toThrow(/authentication\.scheme/);
    expect(await balanceOf(t, payer.walletId)).toBe(100n);
  });
});

/** What production does by default: push URLs reach only public addresses, as webhooks (SSRF). */
describe('A2A push notifications when private targets are not allowed', () => {
  let t: TestApp;
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    ({ t, server, baseUrl } = await startA2aApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' }));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it.each(['JSONRPC', 'HTTP+JSON'] as const)(
    'when a private or loopback push URL is set over %s, then it is refused saying why, before any payment',
    async (binding) => {
      const payer = await registerAgent(t, { funds: 100 });
      const payee = await registerAgent(t);
      const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth, binding);
      const refusal = /taskPushNotificationConfig\.url must not point at a private, loopback, link-local or reserved address/;
      await expect(
        client.sendMessage(sendWithPush({ amount: '10', currency: 'USD' }, pushConfig('http://127.0.0.1:9/hook'))),
      ).rejects.toThrow(refusal);
      expect(await balanceOf(t, payer.walletId)).toBe(100n);
      expect((await t.container.db.query('SELECT 1 FROM a2a_tasks WHERE owner_agent_id = $1', [payer.id])).rowCount).toBe(0);

      const task = asTask(
        await client.sendMessage({
          tenant: '',
          message: dataMessage({ amount: '10', currency: 'USD' }),
          configuration: undefined,
          metadata: undefined,
        }),
      );
      await expect(
        client.createTaskPushNotificationConfig(pushConfig('https://169.254.169.254/latest/meta-data/', { taskId: task.id })),
      ).rejects.toThrow(refusal);
      expect((await t.container.db.query('SELECT 1 FROM a2a_push_configs WHERE owner_agent_id = $1', [payer.id])).rowCount).toBe(0);
    },
  );
});
