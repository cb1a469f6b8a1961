import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z, type ZodType } from 'zod';
import type { IdempotencyClaim, IdempotencyService } from '../modules/idempotency';
import { assertCleanInput } from './input-guard';
import type { Principal } from '../shared/principal';
import type { RouteSpec } from './route-spec';
import {
  IDEMPOTENCY_HEADERS,
  assertJsonBody,
  authorize,
  callerScope,
  hasIdempotencyKey,
  idempotencyKey,
  parse,
  readUpload,
  requestHash,
  requireIdempotencyKey,
} from './api-request';

// Route modules and protocol edges import all of this from here.
export type { Reply, RouteInput, RouteSpec, UploadSpec } from './route-spec';
export { IDEMPOTENCY_HEADERS, idempotencyRequestHash, parse } from './api-request';

/** The one JSON encoding of replies, so a replay is byte-for-byte the first response. */
export function toJson(body: unknown): string {
  return JSON.stringify(body, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

/**
 * Writes a JSON reply straight to Node's response. Express's send() would look up the media type,
 * parse it again to add the charset and ask whether the request is fresh (which needs an ETag or a
 * Last-Modified, and replies carry neither) on every reply of the hot routes, for the same bytes.
 */
function sendJson(res: Response, status: number, json: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}

export const ERROR_SCHEMA = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'validation_failed' }),
      message: z.string(),
      details: z.unknown().optional(),
      requestId: z.string(),
    }),
  })
  .meta({ id: 'Error' });

export interface ApiOptions {
  /** Another Api's registry, so both sets of routes land in one OpenAPI document. */
  registry?: OpenAPIRegistry;
  /** The body of every 4xx answer in the OpenAPI document (default: OCP's error). */
  errorSchema?: ZodType;
  /** Whose Idempotency-Keys a request's key is among (default: the authenticated caller's). */
  idempotencyScope?: (req: Request) => string;
}

/**
 * Declares a route once: it is mounted on Express with its zod validation and auth checks, and the
 * same schemas describe it in the OpenAPI document.
 */
export class Api {
  readonly router = Router();
  readonly registry: OpenAPIRegistry;
  private readonly scope: (req: Request) => string;

  constructor(
    readonly basePath: string,
    private readonly idempotency?: IdempotencyService,
    private readonly options: ApiOptions = {},
  ) {
    this.scope = options.idempotencyScope ?? callerScope;
    this.registry = options.registry ?? new OpenAPIRegistry();
    if (!options.registry) {
      this.registry.registerComponent('securitySchemes', 'bearerAuth', {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
      });
    }
  }

  /** Routes under another base path (a protocol's own paths, e.g. /x402), described in the same OpenAPI document. */
  withBasePath(basePath: string): Api {
    return new Api(basePath, this.idempotency, { ...this.options, registry: this.registry });
  }

  route<P = Record<string, never>, Q = Record<string, never>, B = undefined>(spec: RouteSpec<P, Q, B>): void {
    this.document(spec);
    const guard: RequestHandler = (req, res, next) => {
      // For metrics and logs: req.baseUrl is gone by the time an error response finishes.
      res.locals.routeTemplate = req.baseUrl + spec.path;
      try {
        if (!spec.public) authorize(req.principal, req.authError, spec.permission);
        assertCleanInput(req.params, 'path');
        assertCleanInput(req.query, 'query');
        assertCleanInput(req.body, 'body');
        assertCleanInput(req.get('idempotency-key'), 'header.idempotency-key');
        if (spec.body) assertJsonBody(req);
        req.validated = {
          params: parse(spec.params, req.params, 'path'),
          query: parse(spec.query, req.query, 'query'),
          body: parse(spec.body, req.body, 'body'),
        };
        if (spec.headers) parse(spec.headers, req.headers, 'header');
        if (spec.idempotent === true) requireIdempotencyKey(req.headers);
        else if (spec.idempotent === 'optional' && req.headers['idempotency-key'] !== undefined)
          parse(IDEMPOTENCY_HEADERS, req.headers, 'header');
        next();
      } catch (error) {
        next(error);
      }
    };
    // A stored reply is sent before the route's own steps (the payment rate limit): a replay
    // neither spends quota nor is refused by it.
    const replay: RequestHandler = async (req, res, next) => {
      try {
        if (!hasIdempotencyKey(req) || !(await this.replayIfStored(req, res, this.basePath + spec.path))) next();
      } catch (error) {
        next(error);
      }
    };
    const run: RequestHandler = async (req, res) => {
      const { params, query, body } = req.validated as { params: P; query: Q; body: B };
      const claim = spec.idempotent && hasIdempotencyKey(req) ? await this.claim(req, this.basePath + spec.path) : undefined;
      try {
        const reply = await spec.handler({
          params,
          query,
          body,
          principal: req.principal as Principal,
          requestId: res.locals.requestId as string,
          ip: req.ip ?? '',
          headers: req.headers,
          persistReply: claim ? (tx, r) => claim.persist(tx, { status: r.status, body: toJson(r.body ?? null) }) : async () => undefined,
          ...(req.upload ? { upload: req.upload } : {}),
        });
        for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
        if (reply.text) res.status(reply.status).type(reply.text.contentType).send(reply.text.content);
        else if (reply.body === undefined) res.status(reply.status).end();
        else sendJson(res, reply.status, toJson(reply.body));
      } finally {
        await claim?.release();
      }
    };
    const upload = spec.upload ? [readUpload(spec.upload)] : [];
    this.router[spec.method](spec.path, guard, ...upload, ...(spec.idempotent ? [replay] : []), ...(spec.before ?? []), run);
  }

  /** Sends the stored reply of an identical earlier request and returns true, or returns false. */
  private async replayIfStored(req: Request, res: Response, template: string): Promise<boolean> {
    const stored = await this.idempotencyService().storedReply(this.scope(req), idempotencyKey(req), requestHash(req, template));
    if (!stored) return false;
    res.setHeader('Idempotent-Replayed', 'true');
    sendJson(res, stored.status, stored.body);
    return true;
  }

  /** Claims the key for this request (after replayIfStored found nothing). */
  private claim(req: Request, template: string): Promise<IdempotencyClaim> {
    return this.idempotencyService().claim(this.scope(req), idempotencyKey(req), requestHash(req, template));
  }

  private idempotencyService(): IdempotencyService {
    if (!this.idempotency) throw new Error('Idempotent route without an IdempotencyService');
    return this.idempotency;
  }

  openApiDocument(info: { title: string; version: string; description?: string }) {
    return new OpenApiGeneratorV31(this.registry.definitions).generateDocument({ openapi: '3.1.0', info });
  }

  private document<P, Q, B>(spec: RouteSpec<P, Q, B>): void {
    const responses: RouteConfig['responses'] = {};
    for (const [status, { description, schema, contentType, otherMedia }] of Object.entries(spec.responses)) {
      const others = Object.fromEntries(Object.entries(otherMedia ?? {}).map(([media, other]) => [media, { schema: other }]));
      responses[status] = schema
        ? { description, content: { [contentType ?? 'application/json']: { schema }, ...others } }
        : { description };
    }
    responses['4XX'] = {
      description: 'Client error',
      content: { 'application/json': { schema: this.options.errorSchema ?? ERROR_SCHEMA } },
    };
    this.registry.registerPath({
      method: spec.method,
      path: this.basePath + spec.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
      summary: spec.summary,
      tags: spec.tags,
      ...(spec.public ? {} : { security: [{ bearerAuth: [] }] }),
      request: {
        ...(spec.params ? { params: spec.params as z.ZodObject } : {}),
        ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
        ...(spec.headers || spec.idempotent
          ? { headers: spec.idempotent ? IDEMPOTENCY_HEADERS.extend(spec.headers?.shape ?? {}) : spec.headers }
          : {}),
        ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } }, required: true } } : {}),
        ...(spec.upload
          ? {
              body: {
                description: spec.upload.description,
                content: { [spec.upload.contentType]: { schema: z.string().meta({ format: 'binary' }) } },
                required: true,
              },
            }
          : {}),
      },
      responses,
    });
  }
}

declare global {
  namespace Express {
    interface Request {
      validated?: { params: unknown; query: unknown; body: unknown };
      /** An upload route's body (UploadSpec), read raw. */
      upload?: Buffer;
    }
  }
}
