import { randomUUID } from 'node:crypto';
import type { TaskPushNotificationConfig } from '@a2a-js/sdk';
import { RequestMalformedError } from '@a2a-js/sdk/errors';
import type { PushNotificationStore, ServerCallContext } from '@a2a-js/sdk/server';
import { callerOf } from './caller';
import type { A2aPushConfig, A2aPushConfigRecords } from './ports';

/** Push targets one task may have: each task change is one POST to each of them. */
export const PUSH_CONFIGS_PER_TASK_MAX = 5;
const CONFIG_ID = /^[\x21-\x7e]{1,128}$/;
/** An HTTP auth scheme is an RFC 9110 token. */
const AUTH_SCHEME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
/** Header values: visible ASCII and spaces, so nothing can break out of its header line. */
const HEADER_VALUE = (min: number, max: number) => new RegExp(`^[\\x20-\\x7e]{${min},${max}}$`);
const TOKEN = HEADER_VALUE(0, 512);
const CREDENTIALS = HEADER_VALUE(1, 4096);

export type PushUrlProblem = (url: string) => string | null;

/** A push config as OCP shows it: its token and credentials are written once and never read back. */
export function withoutSecrets(c: TaskPushNotificationConfig): TaskPushNotificationConfig {
  return { ...c, token: '', authentication: c.authentication ? { scheme: c.authentication.scheme, credentials: '' } : undefined };
}

/**
 * The SDK's PushNotificationStore over OCP's table: a config belongs to the calling agent, which the
 * SDK has already checked owns the task (OcpTaskStore answers not found otherwise). The URL passes
 * the webhook module's check when it is set, so a private or loopback target is refused then, with
 * the reason. Token and credentials are never shown again: reads leave them out.
 */
export class OcpPushNotificationStore implements PushNotificationStore {
  constructor(
    private readonly records: A2aPushConfigRecords,
    private readonly urlProblem: PushUrlProblem,
  ) {}

  async save(taskId: string, context: ServerCallContext, config: TaskPushNotificationConfig): Promise<void> {
    // The SDK reads the id it returns from the object it passed (PushNotificationStore's contract).
    if (!config.id) config.id = randomUUID();
    const checked = this.checked(callerOf(context).agentId, taskId, config);
    if (!(await this.records.save(checked, PUSH_CONFIGS_PER_TASK_MAX)))
      throw new RequestMalformedError(`A task has at most ${PUSH_CONFIGS_PER_TASK_MAX} push notification configs: delete one first`);
  }

  async load(taskId: string, context: ServerCallContext): Promise<TaskPushNotificationConfig[]> {
    const configs = await this.records.list(callerOf(context).agentId, taskId);
    return configs.map((c) =>
      withoutSecrets({
        tenant: '',
        id: c.configId,
        taskId: c.taskId,
        url: c.url,
        token: '',
        authentication: c.authentication ?? undefined,
      }),
    );
  }

  async delete(taskId: string, context: ServerCallContext, configId?: string): Promise<void> {
    // As the SDK's own store: a delete without an id names the config whose id is the task's.
    await this.records.delete(callerOf(context).agentId, taskId, configId ?? taskId);
  }

  /** Errors: RequestMalformedError (invalid params, HTTP 400) naming the field and why. */
  private checked(ownerAgentId: string, taskId: string, c: TaskPushNotificationConfig): A2aPushConfig {
    const refuse = (field: string, why: string) => new RequestMalformedError({ message: `${field} ${why}`, metadata: { field } });
    const urlProblem = this.urlProblem(c.url);
    if (urlProblem) throw refuse('taskPushNotificationConfig.url', urlProblem);
    if (!CONFIG_ID.test(c.id)) throw refuse('taskPushNotificationConfig.id', 'must be 1 to 128 printable ASCII characters');
    if (!TOKEN.test(c.token)) throw refuse('taskPushNotificationConfig.token', 'must be at most 512 printable ASCII characters');
    const auth = c.authentication;
    if (auth && !AUTH_SCHEME.test(auth.scheme))
      throw refuse('taskPushNotificationConfig.authentication.scheme', 'must be an HTTP authentication scheme such as Bearer');
    if (auth && !CREDENTIALS.test(auth.credentials))
      throw refuse('taskPushNotificationConfig.authentication.credentials', 'must be 1 to 4096 printable ASCII characters');
    return {
      ownerAgentId,
      taskId,
      configId: c.id,
      url: c.url,
      token: c.token,
      authentication: auth ? { scheme: auth.scheme, credentials: auth.credentials } : null,
    };
  }
}
