import express, { type Request, type RequestHandler } from 'express';
import { z, type ZodType } from 'zod';
import { createHash } from 'node:crypto';
import { AppError, Forbidden, Unauthorized, ValidationFailed } from '../shared/errors';
import { hasPermission, type Principal } from '../shared/principal';
import type { UploadSpec } from './route-spec';

export const IDEMPOTENCY_HEADERS = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 printable ASCII characters')
    .meta({ description: 'A unique key per operation (e.g. a UUID); repeats replay the first reply' }),
});

/**
 * Reads an upload route's body raw, after the permission check so nobody without it makes the
 * server read a file. The app-wide JSON parser has passed it by (not JSON), so it is still unread;
 * a body of any other type was read already and is refused here.
 */
export function readUpload(spec: UploadSpec): RequestHandler {
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
export function callerScope(req: Request): string {
  return (req.principal as Principal).sub;
}

export function hasIdempotencyKey(req: Request): boolean {
  return req.headers['idempotency-key'] !== undefined;
}

export function idempotencyKey(req: Request): string {
  return req.get('idempotency-key') as string;
}

/** Asked twice per idempotent request (the replay lookup, then the claim): hashed once. */
const requestHashes = new WeakMap<Request, string>();

/**
 * `template`: the route's declared path (`/holds/:id/capture`), filled with the request's
 * parameters, so a retry that spells the route another way Express's routing accepts (letter case,
 * a trailing slash) is the same operation.
 */
export function requestHash(req: Request, template: string): string {
  let hash = requestHashes.get(req);
  if (hash === undefined) {
    const params = req.params as Record<string, string>;
    const path = template.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
    hash = idempotencyRequestHash(req.method, path, req.body);
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

export function authorize(principal: Principal | undefined, authError: Unauthorized | undefined, permission?: string): void {
  if (!principal) throw authError ?? new Unauthorized();
  if (permission && !hasPermission(principal, permission)) {
    throw new Forbidden(`This action needs the "${permission}" permission`, 'forbidden', { permission });
  }
}

/** A missing key is the usual first mistake: say which header is missing and what goes in it, not zod's wording. */
export function requireIdempotencyKey(headers: Request['headers']): void {
  if (headers['idempotency-key'] === undefined) {
    const message =
      'The Idempotency-Key header is required: send a unique key per operation (e.g. a UUID); a retry with the same key replays the first reply';
    throw new ValidationFailed(message, { fields: [{ field: 'header.idempotency-key', message: 'required' }] }, 'idempotency_key_missing');
  }
  parse(IDEMPOTENCY_HEADERS, headers, 'header');
}

/**
 * A body the app's JSON parser passed by was sent as another type: refuse it for what it is (415)
 * rather than validate it as an empty object, which would blame its fields.
 */
export function assertJsonBody(req: Request): void {
  const length = req.headers['content-length'];
  const carriesBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (req.body === undefined && carriesBody) {
    throw new AppError(
      'unsupported_media_type',
      'unsupported_content_type',
      'Send the request body as JSON, with Content-Type application/json',
    );
  }
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
