import axios, { AxiosError } from 'axios';
import type { Readable } from 'node:stream';

export interface WebhookRequest {
  url: string;
  /** Sent byte for byte: it is what the signature covers. */
  body: string;
  headers: Record<string, string>;
}

/** The outcome of one attempt: an HTTP status, or why there was none. */
export type WebhookResponse = { ok: boolean; status: number } | { ok: false; error: string };

export type WebhookSender = (request: WebhookRequest) => Promise<WebhookResponse>;

/**
 * POSTs with axios: a timeout, no redirects (a 3xx is a failed attempt, never a hop to another
 * host), and the response body left unread, so a receiver cannot make us buffer anything.
 * Never throws: every failure becomes a WebhookResponse the worker can record.
 */
export function httpWebhookSender(timeoutMs: number): WebhookSender {
  const client = axios.create({
    timeout: timeoutMs,
    maxRedirects: 0,
    responseType: 'stream',
    validateStatus: () => true,
    // The body is already a string; the default transform would re-serialize it.
    transformRequest: [(data: unknown) => data],
  });
  return async ({ url, body, headers }) => {
    try {
      const response = await client.post<Readable>(url, body, {
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'OCP-Webhooks/1.0', ...headers },
      });
      response.data.destroy();
      return { ok: response.status >= 200 && response.status < 300, status: response.status };
    } catch (error) {
      return { ok: false, error: describe(error) };
    }
  };
}

/** A short, secret-free reason: the error code, never headers or request config. */
function describe(error: unknown): string {
  if (error instanceof AxiosError) {
    if (error.code === AxiosError.ECONNABORTED || error.code === AxiosError.ETIMEDOUT) return 'timeout';
    return error.code ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
