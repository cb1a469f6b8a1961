import { randomUUID } from 'node:crypto';
import { Role, TaskState, type Message, type Part } from '@a2a-js/sdk';
import { AgentEvent, type AgentExecutor, type ExecutionEventBus, type RequestContext } from '@a2a-js/sdk/server';
import { AppError, PolicyViolation } from '../../shared/errors';
import { callerOf } from './caller';
import { INTERNAL_MESSAGE, type ErrorLog } from './internal-errors';
import type { PaymentSkills, SkillOutcome } from './payment-skills';
import { readSkillInput } from './skill-input';

const dataPart = (value: Record<string, unknown>): Part => ({
  content: { $case: 'data', value },
  metadata: undefined,
  filename: '',
  mediaType: 'application/json',
});
const textPart = (value: string): Part => ({
  content: { $case: 'text', value },
  metadata: undefined,
  filename: '',
  mediaType: 'text/plain',
});

function agentMessage(taskId: string, contextId: string, parts: Part[], metadata?: Record<string, unknown>): Message {
  return { messageId: randomUUID(), contextId, taskId, role: Role.ROLE_AGENT, parts, metadata, extensions: [], referenceTaskIds: [] };
}

/**
 * The caller's message as the task keeps it: an owner mandate is a signed authorization, kept (like
 * on the REST path) only as the payment's mandate id and hash, never in task history.
 */
function kept(message: Message): Message {
  const parts = message.parts.map((part) => {
    const value: unknown = part.content?.$case === 'data' ? part.content.value : undefined;
    if (!value || typeof value !== 'object' || !('mandate' in value)) return part;
    return { ...part, content: { $case: 'data' as const, value: { ...value, mandate: '[redacted]' } } };
  });
  return { ...message, parts };
}

/**
 * Runs one skill per message. The task is published as working first (a streaming caller sees it at
 * once), then the skill's artifact, then the final status:
 * - completed: paid (payment-receipt), a payment request made, or the balance read;
 * - auth-required: the payment waits for the paying agent's owner to approve it (nothing moved);
 * - failed: refused by OCP, the status message carrying {code, message, rule?} (rule: the policy rule);
 * - rejected: the message was not a valid skill call (validation_failed, the fields named).
 * - failed with internal_error: an unknown error, logged whole; the task says nothing of it (the SDK
 *   would have put its message in the task).
 */
export class PaymentExecutor implements AgentExecutor {
  constructor(
    private readonly skills: PaymentSkills,
    private readonly logger: ErrorLog,
  ) {}

  async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const { taskId, contextId } = ctx;
    // Tasks are one-shot: a follow-up to one still open (waiting for the owner) would overwrite its
    // receipt with another payment. The answer is a message; the task is left as it is.
    if (ctx.task) {
      const words =
        'This task is waiting for the owner and takes no further messages; send a new message (without taskId) for a new request.';
      bus.publish(AgentEvent.message({ ...agentMessage('', contextId, [textPart(words)]), taskId: '' }));
      return;
    }
    const now = () => new Date().toISOString();
    bus.publish(
      AgentEvent.task({
        id: taskId,
        contextId,
        status: { state: TaskState.TASK_STATE_WORKING, message: undefined, timestamp: now() },
        artifacts: [],
        history: [kept(ctx.userMessage)],
        metadata: undefined,
      }),
    );
    let outcome: SkillOutcome;
    try {
      outcome = await this.skills.run(callerOf(ctx.context), ctx.userMessage.messageId, readSkillInput(ctx.userMessage));
    } catch (caught) {
      const error = caught instanceof AppError ? caught : this.unexpected(caught, taskId);
      const refusal = {
        code: error.code,
        message: error.message,
        ...(error instanceof PolicyViolation ? { rule: error.rule } : {}),
        ...(error.details !== undefined ? { details: error.details } : {}),
      };
      const state = error.kind === 'validation' ? TaskState.TASK_STATE_REJECTED : TaskState.TASK_STATE_FAILED;
      const words = `${error.code}${'rule' in refusal ? ` (rule ${refusal.rule})` : ''}: ${error.message}`;
      const message = agentMessage(taskId, contextId, [textPart(words), dataPart({ error: refusal })], { error: refusal });
      bus.publish(AgentEvent.statusUpdate({ taskId, contextId, status: { state, message, timestamp: now() }, metadata: undefined }));
      return;
    }
    const artifact = {
      artifactId: randomUUID(),
      name: outcome.artifact.name,
      description: outcome.artifact.description,
      parts: [dataPart(outcome.artifact.data)],
      metadata: undefined,
      extensions: [],
    };
    bus.publish(AgentEvent.artifactUpdate({ taskId, contextId, artifact, append: false, lastChunk: true, metadata: undefined }));
    const state = outcome.state === 'completed' ? TaskState.TASK_STATE_COMPLETED : TaskState.TASK_STATE_AUTH_REQUIRED;
    const message = agentMessage(
      taskId,
      contextId,
      [textPart(outcome.text)],
      outcome.paymentId ? { paymentId: outcome.paymentId } : undefined,
    );
    bus.publish(AgentEvent.statusUpdate({ taskId, contextId, status: { state, message, timestamp: now() }, metadata: undefined }));
  }

  private unexpected(error: unknown, taskId: string): AppError {
    this.logger.error('A2A skill failed', { error, taskId });
    return new AppError('internal', 'internal_error', INTERNAL_MESSAGE);
  }

  /** A skill runs to its end within the call (a payment cannot be half made): nothing to cancel. */
  async cancelTask(): Promise<void> {}
}
