import { randomUUID } from 'node:crypto';
import { Role, Task, TaskState, taskStateToJSON, type Part } from '@a2a-js/sdk';
import type { DomainEvent, EventBus } from '../../shared/events';
import type { A2aTaskRecords } from './ports';

/** The agent module's payment summary (agent-payment.events.ts), as its events carry it. */
interface PaymentSummary {
  paymentId: string;
  agentId: string;
  status: string;
  amount: string;
  currency: string;
  toAgentId: string | null;
  transferId: string | null;
}

/** Where the owner's decision takes a task that waited for it, and what its status message says. */
interface Decision {
  state: TaskState;
  /** Why, in words, for the status message's text part. */
  words: (p: PaymentSummary) => string;
  /** The status message's data part, in the shape of the executor's refusals ({error}). */
  error?: { code: string; message: string };
  receiptNote: Record<string, unknown>;
  /** The payment-receipt artifact's description. */
  description: string;
}

/**
 * A2A v1.0 task states for the owner's decisions: approved is completed; declined is rejected (the
 * agent will not do what was asked: its owner said no); an approval that expired is failed (the task
 * could not finish: nobody decided in time). Each is terminal.
 */
const DECISIONS: Record<string, Decision> = {
  'agent.payment.completed': {
    state: TaskState.TASK_STATE_COMPLETED,
    words: (p) => `The owner approved payment ${p.paymentId}: paid ${p.amount} ${p.currency} (minor units), transfer ${p.transferId}.`,
    receiptNote: { approvedByOwner: true },
    description: 'The OCP agent payment, approved by the owner',
  },
  'agent.approval.declined': {
    state: TaskState.TASK_STATE_REJECTED,
    words: (p) => `approval_declined: the owner declined payment ${p.paymentId}; nothing was paid.`,
    error: { code: 'approval_declined', message: "The paying agent's owner declined the payment" },
    receiptNote: { approvedByOwner: false },
    description: 'The OCP agent payment, declined by the owner: nothing moved',
  },
  'agent.approval.expired': {
    state: TaskState.TASK_STATE_FAILED,
    words: (p) => `approval_expired: nobody approved payment ${p.paymentId} in time; nothing was paid.`,
    error: { code: 'approval_expired', message: "The approval window of this payment passed without the owner's decision" },
    receiptNote: { approvedByOwner: false },
    description: 'The OCP agent payment, not approved in time: nothing moved',
  },
};

const AUTH_REQUIRED = taskStateToJSON(TaskState.TASK_STATE_AUTH_REQUIRED);

const textPart = (value: string): Part => ({
  content: { $case: 'text', value },
  metadata: undefined,
  filename: '',
  mediaType: 'text/plain',
});
const dataPart = (value: Record<string, unknown>): Part => ({
  content: { $case: 'data', value },
  metadata: undefined,
  filename: '',
  mediaType: 'application/json',
});

/** Tells whoever follows the task (push-notification configs) about its new state. */
export type TaskChanged = (ownerAgentId: string, task: Task) => Promise<void>;

/**
 * Moves a receive-payment task that waited for the paying agent's owner (auth-required) to its end
 * when the owner decides: completed with its payment-receipt when approved, rejected when declined,
 * failed when the approval expired, then pushes it. Best effort, like every in-process event: the
 * payment itself (GET /api/v1/a2a/payments) is the record.
 */
export function followApprovals(events: EventBus, tasks: A2aTaskRecords, changed: TaskChanged): () => void {
  const unsubscribes = Object.entries(DECISIONS).map(([type, decision]) =>
    events.subscribe(type, async (event: DomainEvent) => {
      const payment = event.data as unknown as PaymentSummary;
      const record = await tasks.findByPayment(payment.paymentId);
      if (!record || record.state !== AUTH_REQUIRED) return;
      const task = decided(Task.fromJSON(record.task), payment, decision);
      await tasks.save({ ...record, state: taskStateToJSON(decision.state), task: Task.toJSON(task) });
      await changed(record.ownerAgentId, task);
    }),
  );
  return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
}

function decided(task: Task, p: PaymentSummary, decision: Decision): Task {
  const receipt = {
    paymentId: p.paymentId,
    status: p.status,
    transferId: p.transferId,
    amount: p.amount,
    currency: p.currency,
    from: p.agentId,
    to: p.toAgentId,
    ...decision.receiptNote,
  };
  const parts = [textPart(decision.words(p)), ...(decision.error ? [dataPart({ error: decision.error })] : [])];
  return {
    ...task,
    artifacts: [
      ...task.artifacts.filter((a) => a.name !== 'payment-receipt'),
      {
        artifactId: randomUUID(),
        name: 'payment-receipt',
        description: decision.description,
        parts: [dataPart(receipt)],
        metadata: undefined,
        extensions: [],
      },
    ],
    status: {
      state: decision.state,
      timestamp: new Date().toISOString(),
      message: {
        messageId: randomUUID(),
        contextId: task.contextId,
        taskId: task.id,
        role: Role.ROLE_AGENT,
        parts,
        metadata: { paymentId: p.paymentId, ...(decision.error ? { error: decision.error } : {}) },
        extensions: [],
        referenceTaskIds: [],
      },
    },
  };
}
