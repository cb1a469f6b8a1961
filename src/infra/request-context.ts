import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line and outgoing call of one request carries. */
export interface RequestContext {
  requestId: string;
  traceparent?: string;
  subject?: string;
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
