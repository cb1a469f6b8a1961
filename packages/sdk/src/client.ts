import createClient, { type Client, type FetchResponse, type MaybeOptionalInit } from 'openapi-fetch';
import { OcpError } from './errors.js';
import { IDEMPOTENT_OPERATIONS } from './generated/facts.js';
import type { paths } from './generated/schema.js';
import { RetryPolicy, sleep, type RetryOptions } from './retry.js';
import { Session, tokensFrom, type OcpAuth, type OcpTokens } from './session.js';

/**
 * The API's paths with `Idempotency-Key` made optional: the client sends a fresh key on every
 * money-moving call unless the caller passes one (params.header['idempotency-key']).
 */
export type OcpPaths = {
  [P in keyof paths]: { [M in keyof paths[P]]: WithOptionalKey<paths[P][M]> };
};
type WithOptionalKey<Op> = Op extends { parameters: { header: { 'idempotency-key': string } } }
  ? Omit<Op, 'parameters'> & {
      parameters: Omit<Op['parameters'], 'header'> & { header?: Partial<Op['parameters']['header']> };
    }
  : Op;

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type PathsWith<M extends Method> = { [P in keyof OcpPaths]: OcpPaths[P] extends Record<M, object> ? P : never }[keyof OcpPaths];
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type InitArgs<Init> = RequiredKeys<Init> extends never ? [init?: Init] : [init: Init];
type Init<P extends keyof OcpPaths, M extends Method> = MaybeOptionalInit<OcpPaths[P], M>;
/** The success body of an operation (nothing for 204). */
export type OcpData<P extends keyof OcpPaths, M extends Method, I = Init<P, M>> = Extract<
  FetchResponse<OcpPaths[P][M] & Record<string | number, unknown>, I, 'application/json'>,
  { error?: never }
>['data'] extends infer D
  ? [NonNullable<D>] extends [never]
    ? void
    : NonNullable<D>
  : never;
type Call<M extends Method> = <P extends PathsWith<M>, I extends Init<P, M>>(path: P, ...init: InitArgs<I>) => Promise<OcpData<P, M, I>>;

export interface OcpClientOptions {
  /** Where OCP answers, e.g. https://api.example.com (no path: the paths carry /api/v1). */
  baseUrl: string;
  auth?: OcpAuth;
  /** Called whenever the tokens change (a sign-in, a refresh, a sign-out with undefined): store them here. */
  onTokens?: (tokens: OcpTokens | undefined) => void;
  retry?: RetryOptions;
  /** The Idempotency-Key of a money-moving call the caller gave none (default: a random UUID). */
  idempotencyKey?: () => string;
  fetch?: typeof globalThis.fetch;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Calls that get tokens: they carry none, and their 401 is an answer, not a token to renew. */
const SIGN_IN_PATHS = /\/api\/v1\/auth\/(login|register|refresh|token)$/;

export type OcpClient = ReturnType<typeof createOcpClient>;

/**
 * A client for the whole API, typed from its OpenAPI document. The verbs (`get`, `post`...) resolve
 * to the answer's body and throw OcpError otherwise; `api` is the underlying openapi-fetch client
 * for callers who want `{ data, error, response }`.
 */
export function createOcpClient(options: OcpClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const session = new Session(baseUrl, fetch, options.auth, options.onTokens);
  const retry = new RetryPolicy(options.retry);
  const newKey = options.idempotencyKey ?? (() => globalThis.crypto.randomUUID());
  // Requests that may be sent again without the risk of doing their work twice.
  const repeatable = new WeakSet<Request>();

  const send = async (request: Request): Promise<Response> => {
    const canRepeat = repeatable.has(request);
    const body = request.body ? await request.arrayBuffer() : undefined;
    const signsIn = SIGN_IN_PATHS.test(new URL(request.url).pathname);
    let renewed = false;
    for (let attempt = 0; ; attempt += 1) {
      const headers = new Headers(request.headers);
      const authorization = headers.has('authorization') || signsIn ? undefined : await session.authorization();
      if (authorization) headers.set('authorization', authorization);
      let response: Response;
      try {
        response = await fetch(new Request(request.url, { method: request.method, headers, body, signal: request.signal }));
      } catch (cause) {
        if (!canRepeat || attempt >= retry.retries || request.signal.aborted) throw OcpError.network(cause);
        await sleep(retry.delayMs(attempt + 1));
        continue;
      }
      // A 401 did nothing: any request may go again once, with a renewed token.
      if (response.status === 401 && authorization && !renewed && session.canRenew()) {
        renewed = await session.renew().then(
          () => true,
          () => false,
        );
        if (renewed) continue;
      }
      if (canRepeat && attempt < retry.retries && retry.shouldRetry(response, await errorCode(response))) {
        await sleep(retry.delayMs(attempt + 1, response));
        continue;
      }
      return response;
    }
  };

  const api: Client<OcpPaths> = createClient<OcpPaths>({ baseUrl, fetch: send });
  api.use({
    onRequest({ request, schemaPath }) {
      const idempotent = IDEMPOTENT_OPERATIONS.has(`${request.method} ${schemaPath}`);
      if (idempotent && !request.headers.has('idempotency-key')) request.headers.set('idempotency-key', newKey());
      if (idempotent || SAFE_METHODS.has(request.method)) repeatable.add(request);
      return request;
    },
  });

  const verb =
    <M extends Method>(method: Uppercase<M>): Call<M> =>
    async (path, ...init) => {
      const call = api[method] as (path: string, init?: object) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
      const { data, error, response } = await call(path as string, init[0] as object | undefined);
      if (!response.ok) throw OcpError.fromResponse(response, error);
      return data as never;
    };

  const client = {
    api,
    get: verb<'get'>('GET'),
    post: verb<'post'>('POST'),
    put: verb<'put'>('PUT'),
    patch: verb<'patch'>('PATCH'),
    delete: verb<'delete'>('DELETE'),

    /** Every item of a cursor-paginated list, page after page, as long as the loop asks for more. */
    async *paginate<P extends PaginatedPath>(path: P, ...init: InitArgs<Init<P, 'get'>>): AsyncGenerator<PageItem<P>, void, undefined> {
      const first = (init[0] ?? {}) as { params?: { query?: Record<string, unknown>; path?: unknown } };
      let cursor: string | null | undefined = first.params?.query?.cursor as string | undefined;
      do {
        const params = { ...first.params, query: { ...first.params?.query, ...(cursor ? { cursor } : {}) } };
        const page = (await (client.get as (p: string, i: object) => Promise<unknown>)(path, { ...first, params })) as Page<PageItem<P>>;
        yield* page.data;
        cursor = page.nextCursor;
      } while (cursor);
    },

    /** Signs a person in (user or operator) and keeps their tokens for the following calls. */
    async login(credentials: { email: string; password: string }): Promise<OcpTokens> {
      const answer = await client.post('/api/v1/auth/login', { body: credentials });
      session.set(tokensFrom(answer));
      return session.current() as OcpTokens;
    },

    /** Ends the session on the server (its refresh token stops working) and forgets the tokens. */
    async logout(): Promise<void> {
      const refreshToken = session.current()?.refreshToken;
      if (session.current()) await client.post('/api/v1/auth/logout', { body: refreshToken ? { refreshToken } : {} });
      session.set(undefined);
    },

    tokens: (): OcpTokens | undefined => session.current(),
  };
  return client;
}

interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
/** The GET paths whose answer is a page: `{ data: [...], nextCursor }`. */
export type PaginatedPath = {
  [P in PathsWith<'get'>]: OcpData<P, 'get'> extends Page<unknown> ? P : never;
}[PathsWith<'get'>];
export type PageItem<P extends PaginatedPath> = OcpData<P, 'get'> extends Page<infer T> ? T : never;

/** The error code of an answer that may be worth another attempt (read from a copy of it). */
async function errorCode(response: Response): Promise<string | undefined> {
  if (response.status !== 409) return undefined;
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as { error?: { code?: string } } | undefined;
  return body?.error?.code;
}
