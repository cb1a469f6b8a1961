import type { Request, RequestHandler } from 'express';
import type { z, ZodType } from 'zod';
import type { Transaction } from '../shared/transaction';
import type { CodeOf } from '../shared/error-catalogue';
import type { Principal } from '../shared/principal';

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
