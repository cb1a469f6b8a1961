export interface RetryOptions {
  /** Further attempts after the first (default 2; 0 turns retries off). */
  retries?: number;
  /** The first back-off, doubled on each attempt, with full jitter (default 250 ms). */
  baseDelayMs?: number;
  /** No wait is longer, a server's Retry-After included (default 10 s). */
  maxDelayMs?: number;
}

/** Statuses worth another attempt: the request was not carried out (or is still running, 409 in flight). */
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

export class RetryPolicy {
  readonly retries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: RetryOptions = {}) {
    this.retries = options.retries ?? 2;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
  }

  /**
   * Whether an answer is worth another attempt of a request that is safe to repeat: a gateway or
   * outage status, a rate limit or an idempotency key still in flight that says when to come back.
   */
  shouldRetry(response: Response, code: string | undefined): boolean {
    if (RETRYABLE_STATUSES.has(response.status)) return true;
    if (!response.headers.has('retry-after')) return false;
    return response.status === 429 || (response.status === 409 && code === 'idempotency_in_flight');
  }

  /** How long to wait before attempt `attempt` (1 = the first retry). */
  delayMs(attempt: number, response?: Response): number {
    const retryAfter = response ? retryAfterMs(response.headers.get('retry-after')) : undefined;
    if (retryAfter !== undefined) return Math.min(retryAfter, this.maxDelayMs);
    const ceiling = Math.min(this.baseDelayMs * 2 ** (attempt - 1), this.maxDelayMs);
    return Math.random() * ceiling;
  }
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterMs(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
