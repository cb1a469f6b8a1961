import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { newTraceparent, requestContext, TRACEPARENT, type RequestContext } from '../infra/request-context';
import { DEFAULT_TENANT_ID } from '../shared/tenant-settings';
import { activeTraceparent } from '../infra/tracing/spans';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Takes a well-formed X-Request-Id (or makes one), echoes it, and opens the request's log context.
 * A request without a valid W3C traceparent starts a trace here, so its provider calls, webhooks
 * and log lines can still be tied together.
 */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const id = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const incomingTrace = req.get('traceparent');
    // Tracing on: the request's server span, which already continues an incoming traceparent.
    const traceparent = activeTraceparent() ?? (incomingTrace && TRACEPARENT.test(incomingTrace) ? incomingTrace : newTraceparent());
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    // The default tenant until the host name or the access token names another (tenancy.ts).
    const context: RequestContext = { requestId: id, traceparent, tenantId: DEFAULT_TENANT_ID };
    requestContext.run(context, () => next());
  };
}
