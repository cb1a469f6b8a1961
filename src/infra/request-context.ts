import { AsyncLocalStorage } from 'node:async_hooks';
import { randomIdBytes } from './crypto/ids';

/** What every log line and outgoing call of one request carries. */
export interface RequestContext {
  requestId: string;
  traceparent?: string;
  subject?: string;
  /**
   * A person's (role user) request: who, and the address Express sees (req.ip, honouring
   * TRUST_PROXY), for the risk screen's new_ip feature. Absent for agents, servers and admins.
   */
  client?: { userId: string; readonly address: string | undefined };
  /**
   * The tenant whose rows the request's statements see (src/infra/tenant-scope.ts): from the host
   * name at first, then from the access token. A request with none sees no tenant's rows at all.
   */
  tenantId?: string;
  /** Statements run as the owner over every tenant: see inSystemScope. */
  system?: boolean;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
};

/**
 * W3C Trace Context: version-traceId-parentId-flags in lower-case hex. Version ff and all-zero ids
 * are invalid; a later version is read by its first four fields, as the spec asks.
 */
export const TRACEPARENT = /^(?!ff)[0-9a-f]{2}-(?!0{32})([0-9a-f]{32})-(?!0{16})([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/** A new trace for a request that arrived without one (flags 00: nothing here samples it). */
export function newTraceparent(): string {
  return `00-${randomIdBytes(16).toString('hex')}-${randomIdBytes(8).toString('hex')}-00`;
}

/** The trace id that ties log lines and downstream calls of one request together. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent ? TRACEPARENT.exec(traceparent)?.[1] : undefined;
}

/**
 * The traceparent of an outgoing call made while handling traceparent: the same trace id and
 * flags, with a new parent id, since this service's call is a new span in the caller's trace.
 */
export function childTraceparent(traceparent: string): string {
  const match = TRACEPARENT.exec(traceparent);
  if (!match) return newTraceparent();
  return `00-${match[1]}-${randomIdBytes(8).toString('hex')}-${match[3]}`;
}
