import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type RequestHandler } from 'express';
import { z, type ZodType } from 'zod';
import { Forbidden, Unauthorized, ValidationFailed } from '../shared/errors';
import { hasPermission, type Principal } from './principal';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Present on every route that is not public. */
  principal: Principal;
  requestId: string;
  headers: Request['headers'];
}

export interface RouteSpec<P, Q, B> {
  method: Method;
  /** Express-style path relative to the API base, e.g. "/wallets/:id". */
  path: string;
  summary: string;
  tags: string[];
  /** Default false: the route needs a valid bearer token. */
  public?: boolean;
  permission?: string;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** Request headers to document (and validate), e.g. Idempotency-Key. */
  headers?: z.ZodObject;
  responses: Record<number, { description: string; schema?: ZodType }>;
  /** Runs after authentication and validation, before the handler (rate limits, idempotency). */
  before?: RequestHandler[];
  handler: (input: RouteInput<P, Q, B>) => Promise<Reply>;
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

/**
 * Declares a route once: it is mounted on Express with its zod validation and auth checks, and the
 * same schemas describe it in the OpenAPI document.
 */
export class Api {
  readonly router = Router();
  readonly registry = new OpenAPIRegistry();

  constructor(readonly basePath: string) {
    this.registry.registerComponent('securitySchemes', 'bearerAuth', {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  }

  route<P = Record<string, never>, Q = Record<string, never>, B = undefined>(spec: RouteSpec<P, Q, B>): void {
    this.document(spec);
    const guard: RequestHandler = (req, res, next) => {
      // For metrics and logs: req.baseUrl is gone by the time an error response finishes.
      res.locals.routeTemplate = req.baseUrl + spec.path;
      try {
        if (!spec.public) authorize(req.principal, spec.permission);
        req.validated = {
          params: parse(spec.params, req.params, 'path'),
          query: parse(spec.query, req.query, 'query'),
          body: parse(spec.body, req.body, 'body'),
        };
        if (spec.headers) parse(spec.headers, req.headers, 'header');
        next();
      } catch (error) {
        next(error);
      }
    };
    const run: RequestHandler = async (req, res) => {
      const { params, query, body } = req.validated as { params: P; query: Q; body: B };
      const reply = await spec.handler({
        params,
        query,
        body,
        principal: req.principal as Principal,
        requestId: res.locals.requestId as string,
        headers: req.headers,
      });
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      if (reply.body === undefined) res.status(reply.status).end();
      else res.status(reply.status).json(reply.body);
    };
    this.router[spec.method](spec.path, guard, ...(spec.before ?? []), run);
  }

  openApiDocument(info: { title: string; version: string; description?: string }) {
    return new OpenApiGeneratorV31(this.registry.definitions).generateDocument({ openapi: '3.1.0', info });
  }

  private document<P, Q, B>(spec: RouteSpec<P, Q, B>): void {
    const responses: RouteConfig['responses'] = {};
    for (const [status, { description, schema }] of Object.entries(spec.responses)) {
      responses[status] = schema ? { description, content: { 'application/json': { schema } } } : { description };
    }
    responses['4XX'] = { description: 'Client error', content: { 'application/json': { schema: ERROR_SCHEMA } } };
    this.registry.registerPath({
      method: spec.method,
      path: this.basePath + spec.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
      summary: spec.summary,
      tags: spec.tags,
      ...(spec.public ? {} : { security: [{ bearerAuth: [] }] }),
      request: {
        ...(spec.params ? { params: spec.params as z.ZodObject } : {}),
        ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
        ...(spec.headers ? { headers: spec.headers } : {}),
        ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } }, required: true } } : {}),
      },
      responses,
    });
  }
}

declare global {
  namespace Express {
    interface Request {
      validated?: { params: unknown; query: unknown; body: unknown };
    }
  }
}

function authorize(principal: Principal | undefined, permission: string | undefined): void {
  if (!principal) throw new Unauthorized();
  if (permission && !hasPermission(principal, permission)) {
    throw new Forbidden(`This action needs the "${permission}" permission`, 'forbidden', { permission });
  }
}

function parse<T>(schema: ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  throw new ValidationFailed(`Invalid request: ${summary}`, { fields });
}
