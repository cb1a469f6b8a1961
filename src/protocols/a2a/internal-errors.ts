import type {
  AgentCard,
  CancelTaskRequest,
  DeleteTaskPushNotificationConfigRequest,
  GetExtendedAgentCardRequest,
  GetTaskPushNotificationConfigRequest,
  GetTaskRequest,
  ListTaskPushNotificationConfigsRequest,
  ListTaskPushNotificationConfigsResponse,
  ListTasksRequest,
  ListTasksResponse,
  Message,
  SendMessageRequest,
  StreamResponse,
  SubscribeToTaskRequest,
  Task,
  TaskPushNotificationConfig,
} from '@a2a-js/sdk';
import { A2AError } from '@a2a-js/sdk/errors';
import type { A2ARequestHandler, ServerCallContext } from '@a2a-js/sdk/server';
import type { Logger } from '../../infra/logger';

/** What a caller is told of an error that is not an A2A one: the detail (a database's words, say) is logged. */
export const INTERNAL_MESSAGE = 'Something went wrong on our side';

export type ErrorLog = Pick<Logger, 'error'>;

/** Logs an unexpected error whole and returns the one to answer with, which says nothing of it. */
export function hidden(logger: ErrorLog, what: string, error: unknown): Error {
  logger.error(what, { error });
  return new Error(INTERNAL_MESSAGE);
}

/**
 * The SDK answers an error that is not an A2AError with its message (JSON-RPC -32603, HTTP+JSON
 * 500): every call goes through this wrapper, which logs such an error and lets only a generic one
 * through. A2A errors (task not found, invalid params, …) are the protocol's answers and pass as they are.
 */
export class InternalErrorsHidden implements A2ARequestHandler {
  constructor(
    private readonly inner: A2ARequestHandler,
    private readonly logger: ErrorLog,
  ) {}

  private async answer<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.passable(error);
    }
  }

  private async *stream(events: AsyncGenerator<StreamResponse, void, undefined>): AsyncGenerator<StreamResponse, void, undefined> {
    try {
      yield* events;
    } catch (error) {
      throw this.passable(error);
    }
  }

  private passable(error: unknown): unknown {
    return error instanceof A2AError ? error : hidden(this.logger, 'A2A call failed', error);
  }

  getAgentCard(): Promise<AgentCard> {
    return this.answer(() => this.inner.getAgentCard());
  }
  getAuthenticatedExtendedAgentCard(params: GetExtendedAgentCardRequest, context: ServerCallContext): Promise<AgentCard> {
    return this.answer(() => this.inner.getAuthenticatedExtendedAgentCard(params, context));
  }
  sendMessage(params: SendMessageRequest, context: ServerCallContext): Promise<Message | Task> {
    return this.answer(() => this.inner.sendMessage(params, context));
  }
  sendMessageStream(params: SendMessageRequest, context: ServerCallContext): AsyncGenerator<StreamResponse, void, undefined> {
    return this.stream(this.inner.sendMessageStream(params, context));
  }
  getTask(params: GetTaskRequest, context: ServerCallContext): Promise<Task> {
    return this.answer(() => this.inner.getTask(params, context));
  }
  listTasks(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    return this.answer(() => this.inner.listTasks(params, context));
  }
  cancelTask(params: CancelTaskRequest, context: ServerCallContext): Promise<Task> {
    return this.answer(() => this.inner.cancelTask(params, context));
  }
  resubscribe(params: SubscribeToTaskRequest, context: ServerCallContext): AsyncGenerator<StreamResponse, void, undefined> {
    return this.stream(this.inner.resubscribe(params, context));
  }
  createTaskPushNotificationConfig(params: TaskPushNotificationConfig, context: ServerCallContext): Promise<TaskPushNotificationConfig> {
    return this.answer(() => this.inner.createTaskPushNotificationConfig(params, context));
  }
  getTaskPushNotificationConfig(
    params: GetTaskPushNotificationConfigRequest,
    context: ServerCallContext,
  ): Promise<TaskPushNotificationConfig> {
    return this.answer(() => this.inner.getTaskPushNotificationConfig(params, context));
  }
  listTaskPushNotificationConfigs(
    params: ListTaskPushNotificationConfigsRequest,
    context: ServerCallContext,
  ): Promise<ListTaskPushNotificationConfigsResponse> {
    return this.answer(() => this.inner.listTaskPushNotificationConfigs(params, context));
  }
  deleteTaskPushNotificationConfig(params: DeleteTaskPushNotificationConfigRequest, context: ServerCallContext): Promise<void> {
    return this.answer(() => this.inner.deleteTaskPushNotificationConfig(params, context));
  }
}
