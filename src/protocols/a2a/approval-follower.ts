import { randomUUID } from 'node:crypto';
import { Role, Task, TaskState, taskStateToJSON } from '@a2a-js/sdk';
import type { DomainEvent, EventBus } from '../../shared/events';
import type { A2aTaskRecords } from './ports';

interface CompletedPayment {
  paymentId: string;
  agentId: string;
  status: string;
  amount: string;
  currency: string;
  toAgentId: string | null;
  transferId: string | null;
}

const AUTH_REQUIRED = taskStateToJSON(TaskState.TASK_STATE_AUTH_REQUIRED);

/**
 * Moves a receive-payment task that waited for the paying agent's owner (auth-required) to
 * completed, with its payment-receipt, when the owner approves the payment. Best effort, like every
 * in-process event: the payment itself (GET /api/v1/a2a/payments) is the record; a declined or
 * expired approval leaves the task in auth-required.
 */
export function followApprovals(events: EventBus, tasks: A2aTaskRecords): () => void {
  return events.subscribe('agent.payment.completed', async (event: DomainEvent) => {
    const p = event.data as unknown as CompletedPayment;
    const record = await tasks.findByPayment(p.paymentId);
    if (!record || record.state !== AUTH_REQUIRED) return;
    const task = Task.fromJSON(record.task);
    const receipt = {
      paymentId: p.paymentId,
      status: p.status,
      transferId: p.transferId,
      amount: p.amount,
      currency: p.currency,
      from: p.agentId,
      to: p.toAgentId,
      approvedByOwner: true,
    };
    const parts = (value: Record<string, unknown> | string) => [
      typeof value === 'string'
        ? { content: { $case: 'text' as const, value }, metadata: undefined, filename: '', mediaType: 'text/plain' }
        : { content: { $case: 'data' as const, value }, metadata: undefined, filename: '', mediaType: 'application/json' },
    ];
    task.artifacts = [
      ...task.artifacts.filter((a) => a.name !== 'payment-receipt'),
      {
        artifactId: randomUUID(),
        name: 'payment-receipt',
        description: 'The OCP agent payment, approved by the owner',
        parts: parts(receipt),
        metadata: undefined,
        extensions: [],
      },
    ];
    task.status = {
      state: TaskState.TASK_STATE_COMPLETED,
      timestamp: new Date().toISOString(),
      message: {
        messageId: randomUUID(),
        contextId: task.contextId,
        taskId: task.id,
        role: Role.ROLE_AGENT,
        parts: parts(`The owner approved payment ${p.paymentId}: paid ${p.amount} ${p.currency} (minor units), transfer ${p.transferId}.`),
        metadata: { paymentId: p.paymentId },
        extensions: [],
        referenceTaskIds: [],
      },
    };
    await tasks.save({ ...record, state: taskStateToJSON(TaskState.TASK_STATE_COMPLETED), task: Task.toJSON(task) });
  });
}
