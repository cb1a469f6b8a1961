import { randomUUID } from 'node:crypto';
import { Role, TaskState, taskStateToJSON, type Task } from '@a2a-js/sdk';
import { ClientFactory, JsonRpcTransportFactory } from '@a2a-js/sdk/client';

export interface A2aPayment {
  /** The OCP deployment, e.g. https://ocp.example.com (its PUBLIC_BASE_URL). */
  ocpUrl: string;
  /** The paying agent's OCP token (POST /api/v1/auth/token with its client credentials). */
  agentToken: string;
  /** The agent being paid: its card is at /a2a/{payeeAgentId}/.well-known/agent-card.json. */
  payeeAgentId: string;
  /** Minor units, as a string ("1500" is $15.00). */
  amount: string;
  currency: string;
  memo?: string;
}

/**
 * Pays another OCP agent over A2A with the official client: resolve its card, send one message whose
 * data part is the payment, read the task. The message id is the idempotency key: sending the same
 * message again returns the same receipt and moves nothing.
 */
export async function payOverA2a(p: A2aPayment, messageId: string = randomUUID()): Promise<{ state: string; result: unknown }> {
  const fetchImpl: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('Authorization', `Bearer ${p.agentToken}`);
    return fetch(input, { ...init, headers });
  };
  const factory = new ClientFactory({ transports: [new JsonRpcTransportFactory({ fetchImpl })] });
  // The SDK resolves the card relative to the URL: the trailing slash keeps the agent's own path.
  const client = await factory.createFromUrl(`${p.ocpUrl}/a2a/${p.payeeAgentId}/`);
  const payment = { amount: p.amount, currency: p.currency, ...(p.memo ? { memo: p.memo } : {}) };
  const task = (await client.sendMessage({
    tenant: '',
    message: {
      messageId,
      contextId: '',
      taskId: '',
      role: Role.ROLE_USER,
      parts: [{ content: { $case: 'data', value: payment }, metadata: undefined, filename: '', mediaType: 'application/json' }],
      metadata: undefined,
      extensions: [],
      referenceTaskIds: [],
    },
    configuration: undefined,
    metadata: undefined,
  })) as Task;
  const state = taskStateToJSON(task.status?.state ?? TaskState.TASK_STATE_UNSPECIFIED);
  // Completed: the payment-receipt artifact. Failed or waiting for the owner: the status message says why.
  const parts = task.status?.state === TaskState.TASK_STATE_COMPLETED ? task.artifacts[0]?.parts : task.status?.message?.parts;
  const data = parts?.find((part) => part.content?.$case === 'data')?.content;
  return { state, result: data?.$case === 'data' ? data.value : null };
}

// npx tsx examples/agents/a2a-pay.ts, with OCP_URL, AGENT_TOKEN, PAYEE_AGENT_ID, AMOUNT and CURRENCY set.
if (require.main === module) {
  const need = (name: string): string => process.env[name] ?? (process.stderr.write(`Set ${name}\n`), process.exit(2));
  payOverA2a({
    ocpUrl: need('OCP_URL'),
    agentToken: need('AGENT_TOKEN'),
    payeeAgentId: need('PAYEE_AGENT_ID'),
    amount: need('AMOUNT'),
    currency: process.env.CURRENCY ?? 'USD',
  }).then(
    (outcome) => process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
