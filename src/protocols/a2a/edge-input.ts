import { RequestMalformedError, toJsonRpcError, toRestErrorBody } from '@a2a-js/sdk/errors';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { assertCleanInput } from '../../http/input-guard';
import { isCleanText } from '../../shared/clean-text';
import { ValidationFailed } from '../../shared/errors';

export type Binding = 'jsonrpc' | 'rest';

/** HTTP+JSON's media type (A2A v1.0); the binding also takes application/json. */
const A2A_JSON = 'application/a2a+json';

const UNCLEAN = 'must not contain NUL bytes or unpaired UTF-16 surrogates';

/** A field no A2A call can use, and why. */
export interface InputProblem {
  field: string;
  message: string;
}

/**
 * The input guard of the REST and MCP edges, for A2A: a NUL byte or a lone UTF-16 surrogate in any
 * string or key (PostgreSQL refuses the first: a payment made before the task was stored would be
 * made again by a client retrying), a `__proto__` key, or nesting deeper than the limit, in the
 * body, the query or (HTTP+JSON, whose task and config ids are path segments) the decoded path.
 */
export function inputProblem(req: Request, binding: Binding): InputProblem | undefined {
  try {
    assertCleanInput(req.body, 'body');
    assertCleanInput(req.query, 'query');
    return binding === 'rest' ? pathProblem(req.path) : undefined;
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    const [first] = (error.details as { fields?: InputProblem[] } | undefined)?.fields ?? [];
    return first ?? { field: 'request', message: error.message };
  }
}

/**
 * The path below the binding's mount, segment by segment as the SDK's router decodes them. A
 * segment is named after the one before it: `path.tasks` is the task id of `/tasks/{id}`.
 */
function pathProblem(path: string): InputProblem | undefined {
  const segments = path.split('/').filter((segment) => segment !== '');
  for (const [i, raw] of segments.entries()) {
    const field = i > 0 ? `path.${segments[i - 1]}` : 'path';
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { field, message: 'must be valid percent-encoded UTF-8' };
    }
    if (!isCleanText(segment)) return { field, message: UNCLEAN };
  }
  return undefined;
}

/**
 * Refuses it as the SDK refuses invalid params, so a client sees one shape for the error whoever
 * found it: JSON-RPC -32602 (HTTP 200, as the SDK answers it), HTTP+JSON 400 INVALID_ARGUMENT;
 * the ErrorInfo's metadata names the field.
 */
export function refuseInput(req: Request, res: Response, binding: Binding, problem: InputProblem): void {
  const error = new RequestMalformedError({
    message: `Invalid request: ${problem.field}: ${problem.message}`,
    metadata: { field: problem.field },
  });
  if (binding === 'jsonrpc') {
    const id = (req.body as { id?: unknown } | undefined)?.id;
    res
      .status(200)
      .json({ jsonrpc: '2.0', id: typeof id === 'string' || typeof id === 'number' ? id : null, error: toJsonRpcError(error) });
    return;
  }
  res.status(400).type(A2A_JSON).json(toRestErrorBody(error, 400));
}

/**
 * The app parses application/json bodies; HTTP+JSON's own media type is parsed here, before the
 * guard reads the body, as the SDK would (its own parser then finds the body read). A body that is
 * not JSON is the SDK's 400 INVALID_ARGUMENT; a too large one goes on to the app's error handler.
 */
export function a2aJsonBody(): RequestHandler {
  const parse = express.json({ type: A2A_JSON, strict: false });
  return (req, res, next) =>
    parse(req, res, (error?: unknown) => {
      if (error instanceof SyntaxError) {
        res
          .status(400)
          .type(A2A_JSON)
          .json(toRestErrorBody(new RequestMalformedError('Invalid JSON payload.'), 400));
        return;
      }
      next(error);
    });
}
