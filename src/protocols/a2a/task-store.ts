import { Task, taskStateToJSON, TaskState, type ListTasksRequest, type ListTasksResponse } from '@a2a-js/sdk';
import { TaskNotCancelableError } from '@a2a-js/sdk/errors';
import type { ServerCallContext, TaskStore } from '@a2a-js/sdk/server';
import { isCleanText } from '../../shared/clean-text';
import { callerOf } from './caller';
import { hidden, type ErrorLog } from './internal-errors';
import type { A2aTaskFilter, A2aTaskRecords } from './ports';

const PAGE_SIZE_DEFAULT = 50;
const PAGE_SIZE_MAX = 100;

/** The agent payment a task made or waits on: the executor names it in the status message's metadata. */
export function paymentIdOf(task: Task): string | null {
  const id: unknown = task.status?.message?.metadata?.['paymentId'];
  return typeof id === 'string' ? id : null;
}

/**
 * The SDK's TaskStore over OCP's tables: a task belongs to the agent that called, and every read is
 * scoped to it, so another agent's task id answers as not found (the SDK's TaskNotFoundError).
 */
export class OcpTaskStore implements TaskStore {
  constructor(
    private readonly records: A2aTaskRecords,
    private readonly logger: ErrorLog,
  ) {}

  async save(task: Task, context: ServerCallContext): Promise<void> {
    const caller = callerOf(context);
    // Cancelling a task whose payment waits for the owner would leave the payment pending behind a
    // cancelled task: only the owner's decline ends it.
    if (task.status?.state === TaskState.TASK_STATE_CANCELED) {
      const stored = await this.records.find(caller.agentId, task.id);
      if (stored?.paymentId) throw new TaskNotCancelableError('The payment waits for the owner: the owner approves or declines it');
    }
    // A failed write's own words would end up in the task: the SDK marks it failed with the error's message.
    const saved = await this.records
      .save({
        id: task.id,
        contextId: task.contextId,
        ownerAgentId: caller.agentId,
        targetAgentId: caller.targetAgentId,
        state: taskStateToJSON(task.status?.state ?? TaskState.TASK_STATE_UNSPECIFIED),
        paymentId: paymentIdOf(task),
        task: Task.toJSON(task),
      })
      .catch((error: unknown) => {
        throw hidden(this.logger, 'A2A task not saved', error);
      });
    // Only a client that made up another agent's task id gets here; its write is dropped, loudly.
    if (!saved) throw new Error(`Task ${task.id} belongs to another agent`);
  }

  async load(taskId: string, context: ServerCallContext): Promise<Task | undefined> {
    const record = await this.records.find(callerOf(context).agentId, taskId);
    return record ? Task.fromJSON(record.task) : undefined;
  }

  async list(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    const owner = callerOf(context).agentId;
    const filter: A2aTaskFilter = {};
    if (params.contextId) filter.contextId = params.contextId;
    if (params.status !== undefined && params.status !== TaskState.TASK_STATE_UNSPECIFIED) filter.state = taskStateToJSON(params.status);
    if (params.statusTimestampAfter) filter.updatedAfter = new Date(params.statusTimestampAfter);
    const pageSize = Math.min(Math.max(params.pageSize ?? PAGE_SIZE_DEFAULT, 1), PAGE_SIZE_MAX);
    const rows = await this.records.list(owner, filter, pageSize + 1, decodeCursor(params.pageToken));
    const page = rows.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      tasks: page.map((r) => {
        const task = Task.fromJSON(r.task);
        return params.includeArtifacts ? task : { ...task, artifacts: [] };
      }),
      nextPageToken: rows.length > pageSize && last ? encodeCursor(last.updatedAt, last.id) : '',
      pageSize,
      totalSize: await this.records.count(owner, filter),
    };
  }
}

function encodeCursor(updatedAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([updatedAt.toISOString(), id])).toString('base64url');
}

/** A token that is not one of ours reads as the first page, as a bad cursor does elsewhere in the SDK. */
function decodeCursor(token: string | undefined): { updatedAt: Date; id: string } | undefined {
  if (!token) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown, unknown];
    const updatedAt = new Date(String(at));
    // The token is the client's: an id decoded from it is input like any other.
    return typeof id === 'string' && isCleanText(id) && !Number.isNaN(updatedAt.getTime()) ? { updatedAt, id } : undefined;
  } catch {
    return undefined;
  }
}
