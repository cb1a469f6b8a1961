import type { ServerCallContext, User } from '@a2a-js/sdk/server';
import type { Principal } from '../../shared/principal';

/**
 * The SDK's `User` for one A2A call: the calling agent (from its verified OCP agent token) and the
 * agent whose card it called. The task store scopes tasks by `agentId`; the executor pays or answers
 * for `targetAgentId`.
 */
export class OcpCaller implements User {
  constructor(
    readonly principal: Principal,
    readonly targetAgentId: string,
  ) {}

  get isAuthenticated(): boolean {
    return true;
  }

  get userName(): string {
    return this.principal.sub;
  }

  get agentId(): string {
    return this.principal.sub;
  }
}

/** The caller of an SDK call; the HTTP guard lets no other kind of user through. */
export function callerOf(context: ServerCallContext): OcpCaller {
  const user = context.user;
  if (!(user instanceof OcpCaller)) throw new Error('A2A call without an authenticated OCP agent');
  return user;
}
