import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z, type ZodType } from 'zod';
import { createHash } from 'node:crypto';
import type { Transaction } from '../shared/transaction';
import type { IdempotencyClaim, IdempotencyService } from '../modules/idempotency';
import { AppError, Forbidden, Unauthorized, ValidationFailed } from '../shared/errors';
import type { CodeOf } from '../shared/error-catalogue';
import { assertCleanInput } from './input-guard';
import { hasPermission, type Principal } from '../shared/principal';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A reply that is not JSON (a CSV export): sent as is, with this Content-Type; `body` is ignored. */
  text?: { contentType: string; content: string };
}

/** A route whose body is a file sent raw (not JSON), e.g. a CSV upload. */
export interface UploadSpec {
  /** The one media type accepted (anything else is 415 with `notAcceptedCode`). */
  contentType: string;
  limitBytes: number;
  description: string;
  notAcceptedCode: CodeOf<'unsupported_media_type'>;
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Present on every route that is not public. */
  principal: Principal;
  requestId: string;
  /** The client's address as Express sees it (honours TRUST_PROXY), for audit records. */
  ip: string;
  headers: Request['headers'];
  /**
   * On idempotent routes: stores the reply under the request's Idempotency-Key. Call it inside the
   * transaction that does the work (services take it as their in-transaction hook). Elsewhere a no-op.
   */
  persistReply: (tx: Transaction, reply: Reply) => Promise<void>;
  /** On upload routes: the body's bytes as sent. */
  upload?: Buffer;
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
  /**
   * Money-moving POSTs: require an Idempotency-Key and replay the first reply for repeats.
   * 'optional': the same when the client sends a key, and no idempotency without one (UCP's writes).
   */
  idempotent?: boolean | 'optional';
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** Request headers to document (and validate), e.g. Idempotency-Key. */
  headers?: z.ZodObject;
  /**
   * The body is a file, read raw after the permission check (up to limitBytes) and handed to the
   * handler as `upload` bytes; the handler validates them (the input guard and zod see no body).
   */
  upload?: UploadSpec;
  responses: Record<
    number,
    {
      description: string;
      schema?: ZodType;
      /** The schema's media type (default JSON). */
      contentType?: string;
      /** The same answer in other media types too, e.g. a CSV form of a JSON page. */
      otherMedia?: Record<string, ZodType>;
    }
  >;
  /** Runs after authentication and validation, before the handler (rate limits, idempotency). */
  before?: RequestHandler[];
  handler: (input: RouteInput<P, Q, B>) => Promise<Reply>;
}

export const IDEMPOTENCY_HEADERS = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 printable ASCII characters')
    .meta({ description: 'A unique key per operation (e.g. a UUID); repeats replay the first reply' }),
});

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
        if (!hasIdempotencyKey(req) || !(await this.replayIfStored(req, res))) next();
      } catch (error) {
        next(error);
      }
    };
    const run: RequestHandler = async (req, res) => {
      const { params, query, body } = req.validated as { params: P; query: Q; body: B };
      const claim = spec.idempotent && hasIdempotencyKey(req) ? await this.claim(req) : undefined;
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
  private async replayIfStored(req: Request, res: Response): Promise<boolean> {
    const stored = await this.idempotencyService().storedReply(this.scope(req), idempotencyKey(req), requestHash(req));
    if (!stored) return false;
    res.setHeader('Idempotent-Replayed', 'true');
    sendJson(res, stored.status, stored.body);
    return true;
  }

  /** Claims the key for this request (after replayIfStored found nothing). */
  private claim(req: Request): Promise<IdempotencyClaim> {
    return this.idempotencyService().claim(this.scope(req), idempotencyKey(req), requestHash(req));
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

/**
 * Reads an upload route's body raw, after the permission check so nobody without it makes the
 * server read a file. The app-wide JSON parser has passed it by (not JSON), so it is still unread;
 * a body of any other type was read already and is refused here.
 */
function readUpload(spec: UploadSpec): RequestHandler {
  const raw = express.raw({ type: () => true, limit: spec.limitBytes });
  return (req, res, next) => {
    if (!req.is(spec.contentType)) {
      next(
        new AppError(
          'unsupported_media_type',
          spec.notAcceptedCode,
          `Send the file as the request body with Content-Type ${spec.contentType}`,
        ),
      );
      return;
    }
    raw(req, res, (error?: unknown) => {
      if (error) return next(error);
      req.upload = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      req.body = undefined;
      next();
    });
  };
}

/** Idempotency keys are scoped to the caller. */
function callerScope(req: Request): string {
  return (req.principal as Principal).sub;
}

function hasIdempotencyKey(req: Request): boolean {
  return req.headers['idempotency-key'] !== undefined;
}

function idempotencyKey(req: Request): string {
  return req.get('idempotency-key') as string;
}

/** Asked twice per idempotent request (the replay lookup, then the claim): hashed once. */
const requestHashes = new WeakMap<Request, string>();

function requestHash(req: Request): string {
  let hash = requestHashes.get(req);
  if (hash === undefined) {
    hash = idempotencyRequestHash(req.method, `${req.baseUrl}${req.path}`, req.body);
    requestHashes.set(req, hash);
  }
  return hash;
}

/**
 * Same method, path and body (keys in any order) give the same hash. Exported for protocol edges
 * that reach an idempotent operation by another road (the MCP `pay` tool hashes the body of
 * `POST /api/v1/a2a/transfers`), so one key means one operation whichever road it came by.
 */
export function idempotencyRequestHash(method: string, path: string, body: unknown): string {
  const canonical = JSON.stringify(sortKeys(body ?? null));
  return createHash('sha256').update(`${method} ${path}\n${canonical}`).digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

function authorize(principal: Principal | undefined, authError: Unauthorized | undefined, permission?: string): void {
  if (!principal) throw authError ?? new Unauthorized();
  if (permission && !hasPermission(principal, permission)) {
    throw new Forbidden(`This action needs the "${permission}" permission`, 'forbidden', { permission });
  }
}

/** A missing key is the usual first mistake: say which header is missing and what goes in it, not zod's wording. */
function requireIdempotencyKey(headers: Request['headers']): void {
  if (headers['idempotency-key'] === undefined) {
    const message =
      'The Idempotency-Key header is required: send a unique key per operation (e.g. a UUID); a retry with the same key replays the first reply';
    throw new ValidationFailed(message, { fields: [{ field: 'header.idempotency-key', message: 'required' }] }, 'idempotency_key_missing');
  }
  parse(IDEMPOTENCY_HEADERS, headers, 'header');
}

/** Validates one part of a request against its schema: ValidationFailed (400) naming each field, as every route answers. */
export function parse<T>(schema: ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  // An unknown key is reported by zod at the object's path; name the key itself so the client sees which field.
  const fields = result.error.issues.flatMap((issue) => {
    const path = [where, ...issue.path.map(String)];
    const names = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...path, key]) : [path];
    return names.map((name) => ({ field: name.join('.'), message: issue.message }));
  });
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  throw new ValidationFailed(`Invalid request: ${summary}`, { fields });
}
