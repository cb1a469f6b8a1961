import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { TaskState } from '@a2a-js/sdk';
import { createContainer, type Container } from '../../../src/container';
import { registerAgent } from '../../support/agents';
import { balanceOf } from '../../support/ledger';
import { openTestCache, startTestApp, type TestApp } from '../../support/test-app';
import { a2aClient, artifactData, asTask, dataMessage, openListener, send, statusData } from './support';

describe('A2A tasks across restarts and concurrent replays', () => {
  let t: TestApp;
  let server: Server;
  let baseUrl: string;
  let serve: (app: TestApp['app']) => void;
  beforeAll(async () => {
    const listener = await openListener();
    ({ server, baseUrl, serve } = listener);
    t = await startTestApp({ PUBLIC_BASE_URL: baseUrl });
    serve(t.app);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  /** Stops what a second container started, leaving the test's database open for t.close(). */
  async function stop(c: Container): Promise<void> {
    await c.funding.autoTopUp.idle();
    await c.services.admin.stop();
    await c.webhooks.worker.stop();
    await c.webhooks.retention.stop();
    await c.web3.close();
    await c.graphqlSubscriptions.close();
    await c.fanout.close();
    await c.cache.close();
  }

  it('when the app restarts on the same database, then the caller still reads its task, and still only its own', async () => {
    const payer = await registerAgent(t, { funds: 100 });
    const payee = await registerAgent(t);
    const before = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
    const task = asTask(await before.sendMessage(send(dataMessage({ amount: '25', currency: 'USD' }))));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);

    // A new process: a new container (SDK handler, event buses, caches) over the same database, at the same URL.
    const restarted = await createContainer(t.config, { db: t.container.db, cache: openTestCache(), logger: t.container.logger });
    serve(restarted.app);
    try {
      const after = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
      const read = await after.getTask({ tenant: '', id: task.id, historyLength: undefined });
      expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(artifactData(read)).toEqual(artifactData(task));
      expect(read.history[0]?.messageId).toBe(task.history[0]?.messageId);
      const listed = await after.listTasks({
        tenant: '',
        contextId: '',
        status: TaskState.TASK_STATE_UNSPECIFIED,
        pageSize: 10,
        pageToken: '',
        historyLength: undefined,
        statusTimestampAfter: undefined,
        includeArtifacts: true,
      });
      expect(listed.tasks.map((x) => x.id)).toEqual([task.id]);
      const other = await registerAgent(t);
      const stranger = await a2aClient(`${baseUrl}/a2a/${payee.id}`, other.auth);
      await expect(stranger.getTask({ tenant: '', id: task.id, historyLength: undefined })).rejects.toThrow(/not found/i);
    } finally {
      serve(t.app);
      await stop(restarted);
    }
  });

  it('when the same message is sent twice at once, then the money moves once', async () => {
    const payer = await registerAgent(t, { funds: 1_000 });
    const payee = await registerAgent(t);
    const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
    const messageId = randomUUID();
    const tasks = await Promise.all(
      [1, 2, 3].map(async () => asTask(await client.sendMessage(send(dataMessage({ amount: '300', currency: 'USD' }, messageId))))),
    );
    expect(await balanceOf(t, payer.walletId)).toBe(700n);
    expect(await balanceOf(t, payee.walletId)).toBe(300n);
    const payments = await t.container.db.query('SELECT 1 FROM agent_payments WHERE agent_id = $1', [payer.id]);
    expect(payments.rowCount).toBe(1);
    // Each answer is the payment or, while the first still runs, idempotency_in_flight; never a second payment.
    for (const task of tasks) {
      if (task.status?.state === TaskState.TASK_STATE_COMPLETED) expect(artifactData(task)).toMatchObject({ amount: '300' });
      else expect(statusData(task)).toMatchObject({ error: { code: 'idempotency_in_flight' } });
    }
    expect(tasks.some((task) => task.status?.state === TaskState.TASK_STATE_COMPLETED)).toBe(true);
  });

  it('when two agents settle one payment request at once, then it is paid once', async () => {
    const payee = await registerAgent(t);
    const [first, second] = [await registerAgent(t, { funds: 500 }), await registerAgent(t, { funds: 500 })];
    const own = await a2aClient(baseUrl, payee.auth);
    const issued = asTask(await own.sendMessage(send(dataMessage({ skill: 'request-payment', amount: '200', currency: 'USD' }))));
    const { requestId } = artifactData(issued) as { requestId: string };
    const settle = async (payer: typeof first) => {
      const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
      return asTask(await client.sendMessage(send(dataMessage({ requestId }))));
    };
    const tasks = await Promise.all([settle(first), settle(second)]);
    expect(tasks.map((task) => task.status?.state).sort()).toEqual([TaskState.TASK_STATE_COMPLETED, TaskState.TASK_STATE_FAILED]);
    const failed = tasks.find((task) => task.status?.state === TaskState.TASK_STATE_FAILED)!;
    expect(statusData(failed)).toMatchObject({ error: { code: 'payment_request_settled' } });
    expect(await balanceOf(t, payee.walletId)).toBe(200n);
    expect((await balanceOf(t, first.walletId)) + (await balanceOf(t, second.walletId))).toBe(800n);
  });

  it('when an agent lists its tasks, then it pages through its own only, filtered by context and state', async () => {
    const payer = await registerAgent(t, { funds: 100, policy: { maxPerTransaction: '10' } });
    const payee = await registerAgent(t);
    const client = await a2aClient(`${baseUrl}/a2a/${payee.id}`, payer.auth);
    const ok = asTask(await client.sendMessage(send(dataMessage({ amount: '5', currency: 'USD' }))));
    const refused = asTask(await client.sendMessage(send(dataMessage({ amount: '50', currency: 'USD' }))));
    const textOnly = dataMessage({});
    textOnly.parts = [{ content: { $case: 'text', value: 'pay me' }, metadata: undefined, filename: '', mediaType: 'text/plain' }];
    const rejected = asTask(await client.sendMessage(send(textOnly)));
    expect(statusData(rejected)).toMatchObject({ error: { code: 'validation_failed', details: { fields: [{ field: 'parts' }] } } });
    const unknown = asTask(await client.sendMessage(send(dataMessage({ skill: 'refund' }))));
    expect(statusData(unknown)).toMatchObject({ error: { code: 'validation_failed', details: { fields: [{ field: 'skill' }] } } });
    await (
      await a2aClient(`${baseUrl}/a2a/${payee.id}`, (await registerAgent(t, { funds: 10 })).auth)
    ).sendMessage(send(dataMessage({ amount: '1', currency: 'USD' })));

    const list = (extra: Record<string, unknown>) =>
      client.listTasks({
        tenant: '',
        contextId: '',
        status: TaskState.TASK_STATE_UNSPECIFIED,
        pageSize: 10,
        pageToken: '',
        historyLength: undefined,
        statusTimestampAfter: undefined,
        includeArtifacts: false,
        ...extra,
      });
    const first = await list({ pageSize: 3 });
    expect(first.totalSize).toBe(4);
    expect(first.tasks).toHaveLength(3);
    expect(first.tasks.every((x) => x.artifacts.length === 0)).toBe(true);
    const second = await list({ pageSize: 3, pageToken: first.nextPageToken });
    expect(second.nextPageToken).toBe('');
    expect([...first.tasks, ...second.tasks].map((x) => x.id).sort()).toEqual([ok.id, refused.id, rejected.id, unknown.id].sort());
    expect((await list({ status: TaskState.TASK_STATE_FAILED })).tasks.map((x) => x.id)).toEqual([refused.id]);
    expect((await list({ contextId: ok.contextId, includeArtifacts: true })).tasks.map((x) => x.artifacts[0]?.name)).toEqual([
      'payment-receipt',
    ]);
    expect((await list({ statusTimestampAfter: new Date(Date.now() + 60_000).toISOString() })).tasks).toEqual([]);
    expect((await list({ pageToken: 'not-a-token' })).tasks).toHaveLength(4);
  });
});
