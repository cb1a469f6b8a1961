import axios, { type AxiosInstance } from 'axios';
import type { Config } from '../../config/config';
import type { CodeOf } from '../../shared/error-catalogue';
import { Unavailable } from '../../shared/errors';
import { childTraceparent, requestContext } from '../request-context';
import { inSpan, SpanKind } from '../tracing/spans';

const RESPONSE_BYTES_MAX_DEFAULT = 1_048_576;
/** What the adapters send is a card or an encrypted mobile-wallet payload: kilobytes, never more than this. */
const REQUEST_BYTES_MAX = 1_048_576;

export interface ProviderHttpOptions {
  /** Named in errors and logs ("Basis Theory"). */
  name: string;
  baseUrl: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Extra attempts after the first, on timeouts, network errors and 5xx only. */
  retriesMax: number;
  backoffBaseMs: number;
  /** Largest answer read; a bigger one is a failure of the provider. Default 1 MiB. */
  responseBytesMax?: number;
  /** The error code callers see when the provider cannot be reached. */
  unavailableCode: CodeOf<'unavailable'>;
  /** Bodies go out as JSON (default) or form-encoded (Stripe). */
  encoding?: 'json' | 'form';
  /**
   * 4xx statuses that say the provider did nothing for this request yet (Stripe's 409: another
   * request holds its Idempotency-Key or the object). They say nothing of the outcome, so they are
   * retried as a 5xx is, and end Unavailable, never a refusal.
   */
  busyStatuses?: readonly number[];
}

/** The PROVIDER_* settings every provider adapter (card vaults, processors) is built with. */
export function providerHttpSettings(
  config: Config,
): Pick<ProviderHttpOptions, 'timeoutMs' | 'retriesMax' | 'backoffBaseMs' | 'responseBytesMax'> {
  return {
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
    retriesMax: config.PROVIDER_RETRIES_MAX,
    backoffBaseMs: config.PROVIDER_BACKOFF_BASE_MS,
    responseBytesMax: config.PROVIDER_RESPONSE_BYTES_MAX,
  };
}

export interface ProviderRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** A 2xx or 4xx answer; 5xx and no answer at all never come back as a response (they throw). */
export interface ProviderResponse {
  status: number;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  body: unknown;
}

/**
 * The one small HTTP client of the payment adapters: a timeout on every call, bounded retries with
 * exponential backoff on timeouts, network errors, 5xx and the provider's busy statuses (never on
 * other 4xx: the same request would be refused again), no redirects, and errors that carry neither
 * the request body (card data) nor the credentials, unlike axios's own errors, which hold both.
 * A POST is retried only with an idempotency key in its headers, so a retry cannot create twice.
 */
export class ProviderHttp {
  private readonly client: AxiosInstance;

  constructor(private readonly options: ProviderHttpOptions) {
    this.client = axios.create({
      baseURL: options.baseUrl,
      timeout: options.timeoutMs,
      maxRedirects: 0,
      // A provider answering megabytes (a 60 MB card brand was seen) must not be read, parsed or stored.
      maxContentLength: options.responseBytesMax ?? RESPONSE_BYTES_MAX_DEFAULT,
      maxBodyLength: REQUEST_BYTES_MAX,
      responseType: 'text',
      // Parse ourselves: axios silently hands back a string when a body is not JSON.
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
    });
  }

  /** One call in a span `<name> <METHOD>`; its attempts are the http client spans under it. */
  request(req: ProviderRequest, idempotent = req.method !== 'POST'): Promise<ProviderResponse> {
    const attributes = { 'ocp.provider': this.options.name, 'http.request.method': req.method };
    return inSpan(`${this.options.name} ${req.method}`, { kind: SpanKind.CLIENT, attributes }, () => this.attempts(req, idempotent));
  }

  private async attempts(req: ProviderRequest, idempotent: boolean): Promise<ProviderResponse> {
    const attempts = 1 + (idempotent ? this.options.retriesMax : 0);
    let failure = 'no attempt made';
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(this.options.backoffBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
      try {
        const response = await this.client.request<string>({
          method: req.method,
          url: req.path,
          headers: { ...this.options.headers, ...traceHeaders(), ...this.contentType(req), ...req.headers },
          data: req.body === undefined ? undefined : this.encode(req.body),
        });
        if (response.status < 500 && !this.options.busyStatuses?.includes(response.status)) {
          return { status: response.status, body: parseJson(response.data) };
        }
        failure = `answered ${response.status}`;
      } catch (error) {
        if (isTooLarge(error)) {
          // The same request would get the same answer: no retry.
          failure = 'answered more than the allowed response size';
          break;
        }
        failure =
          axios.isAxiosError(error) && error.code === 'ECONNABORTED'
            ? `timed out after ${this.options.timeoutMs} ms`
            : 'could not be reached';
      }
    }
    throw new Unavailable(`${this.options.name} ${failure}`, this.options.unavailableCode, 5);
  }

  private contentType(req: ProviderRequest): Record<string, string> {
    if (req.body === undefined) return {};
    return { 'Content-Type': this.options.encoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json' };
  }

  private encode(body: Record<string, unknown>): string {
    return this.options.encoding === 'form' ? toForm(body) : JSON.stringify(body);
  }
}

/** Stripe-style form encoding: nested objects as a[b]=c, arrays as a[0]=c. */
export function toForm(body: Record<string, unknown>): string {
  const params = new URLSearchParams();
  const add = (prefix: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) add(`${prefix}[${k}]`, v);
    } else params.append(prefix, String(value as string | number | boolean | bigint));
  };
  for (const [k, v] of Object.entries(body)) add(k, v);
  return params.toString();
}

/** axios's refusal of an answer past maxContentLength (it has no code of its own but this message). */
function isTooLarge(error: unknown): boolean {
  return axios.isAxiosError(error) && /maxContentLength size of -?\d+ exceeded/.test(error.message);
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The request id as it came in, and the request's trace continued as a new span (W3C Trace Context). */
function traceHeaders(): Record<string, string> {
  const context = requestContext.current();
  if (!context) return {};
  return { 'X-Request-Id': context.requestId, ...(context.traceparent ? { traceparent: childTraceparent(context.traceparent) } : {}) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
