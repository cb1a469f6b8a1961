import { A2A_CONTENT_TYPE, StreamResponse, type Task } from '@a2a-js/sdk';
import type { PushNotificationSender, ServerCallContext } from '@a2a-js/sdk/server';
import type { Logger } from '../../infra/logger';
import type { OutgoingPost } from '../../modules/webhook';
import { callerOf } from './caller';
import type { A2aPushConfig, A2aPushConfigRecords } from './ports';

/** A2A v1.0's header for a config's token, which the receiver checks to trust the notification. */
export const NOTIFICATION_TOKEN_HEADER = 'X-A2A-Notification-Token';

/**
 * Pushes an A2A task to the push-notification configs its owner set on it: a POST of a
 * StreamResponse holding the whole task (A2A v1.0 push notification payload), with the config's
 * token and `Authorization: <scheme> <credentials>` when given, through the webhook module's sender
 * (timeout, no redirects, public addresses only). Best effort, one attempt: a receiver that fails
 * or hangs is logged and never fails the task or its payment; GetTask stays the record.
 *
 * As the SDK's PushNotificationSender it pushes after each state change of a call (the task
 * itself, or a status update); the owner's decision outside any call pushes through `push`.
 */
export class TaskPusher implements PushNotificationSender {
  /** Pushes of one task go out one after another, so a receiver sees its states in order. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly configs: A2aPushConfigRecords,
    private readonly outgoing: Pick<OutgoingPost, 'post'>,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  send(response: StreamResponse, context: ServerCallContext, task?: Task): Promise<void> {
    const kind = response.payload?.$case;
    // An artifact update is followed by the status update that carries it in the task.
    if (!task || (kind !== 'task' && kind !== 'statusUpdate')) return Promise.resolve();
    return this.push(callerOf(context).agentId, task);
  }

  /** Never rejects. */
  push(ownerAgentId: string, task: Task): Promise<void> {
    // Serialised now: the SDK goes on changing its task object while the push waits its turn.
    const body = JSON.stringify(StreamResponse.toJSON({ payload: { $case: 'task', value: task } }));
    const next = (this.queues.get(task.id) ?? Promise.resolve()).then(() => this.deliver(ownerAgentId, task.id, body));
    this.queues.set(task.id, next);
    void next.then(() => {
      if (this.queues.get(task.id) === next) this.queues.delete(task.id);
    });
    return next;
  }

  private async deliver(ownerAgentId: string, taskId: string, body: string): Promise<void> {
    try {
      const configs = await this.configs.list(ownerAgentId, taskId);
      await Promise.all(configs.map((config) => this.post(config, body)));
    } catch (error) {
      this.logger.warn('A2A push notifications not sent', { taskId, error });
    }
  }

  private async post(config: A2aPushConfig, body: string): Promise<void> {
    const headers: Record<string, string> = { 'Content-Type': A2A_CONTENT_TYPE, 'User-Agent': 'OCP-A2A-Push/1.0' };
    if (config.token) headers[NOTIFICATION_TOKEN_HEADER] = config.token;
    if (config.authentication) headers['Authorization'] = `${config.authentication.scheme} ${config.authentication.credentials}`;
    const result = await this.outgoing.post({ url: config.url, body, headers });
    // Neither the URL (it may carry a secret in its query) nor the headers are logged.
    if (!result.ok)
      this.logger.warn('A2A push notification not delivered', {
        taskId: config.taskId,
        configId: config.configId,
        ...('error' in result ? { error: result.error } : { status: result.status }),
      });
  }
}
