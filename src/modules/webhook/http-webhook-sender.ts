import axios, { AxiosError } from 'axios';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { publicOnlyLookup, TARGET_ADDRESS_NOT_ALLOWED, TargetAddressNotAllowed } from './public-only-lookup';
import { isKnownNonPublicHost } from './target-address';

export interface WebhookRequest {
  url: string;
  /** Sent byte for byte: it is what the signature covers. */
  body: string;
  headers: Record<string, string>;
  /** This attempt's timeout, when not the sender's own (the endpoint's tenant sets one). */
  timeoutMs?: number;
}

/** The outcome of one attempt: an HTTP status, or why there was none. */
export type WebhookResponse = { ok: boolean; status: number } | { ok: false; error: string };

export type WebhookSender = (request: WebhookRequest) => Promise<WebhookResponse>;

export interface HttpWebhookSenderOptions {
  timeoutMs: number;
  /** When false, only public addresses are connected to (SSRF); see target-address.ts. */
  allowPrivateTargets: boolean;
  /** The resolver under the address check (tests pass one that answers what they need). */
  lookup?: LookupFunction;
}

/**
 * POSTs with axios: a timeout, no redirects (a 3xx is a failed attempt, never a hop to another
 * host, which could be an internal one), no proxy from the environment (the address check must
 * see the real target), and the response body left unread, so a receiver cannot make us buffer
 * anything. Unless private targets are allowed, the agents' lookup refuses names that resolve to
 * non-public addresses at connect time, and IP-literal hosts (which skip the lookup) are checked
 * here. Never throws: every failure becomes a WebhookResponse the worker can record.
 */
export function httpWebhookSender(options: HttpWebhookSenderOptions): WebhookSender {
  const { timeoutMs, allowPrivateTargets } = options;
  const lookup = publicOnlyLookup(options.lookup);
  const agents = allowPrivateTargets
    ? {}
    : { httpAgent: new http.Agent({ keepAlive: true, lookup }), httpsAgent: new https.Agent({ keepAlive: true, lookup }) };
  const client = axios.create({
    timeout: timeoutMs,
    maxRedirects: 0,
    proxy: false,
    responseType: 'stream',
    validateStatus: () => true,
    // The body is already a string; the default transform would re-serialize it.
    transformRequest: [(data: unknown) => data],
    ...agents,
  });
  return async ({ url, body, headers, timeoutMs: attemptTimeoutMs }) => {
    if (!allowPrivateTargets) {
      const host = hostOf(url);
      if (host === undefined || isKnownNonPublicHost(host)) return { ok: false, error: `${TARGET_ADDRESS_NOT_ALLOWED} (${host})` };
    }
    try {
      const response = await client.post<Readable>(url, body, {
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'OCP-Webhooks/1.0', ...headers },
        ...(attemptTimeoutMs ? { timeout: attemptTimeoutMs } : {}),
      });
      response.data.destroy();
      return { ok: response.status >= 200 && response.status < 300, status: response.status };
    } catch (error) {
      return { ok: false, error: describe(error) };
    }
  };
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/**
 * A short, secret-free reason: the error code, never headers or request config. The endpoint's
 * owner reads it, so a refused target names the host they gave, never the address it resolved to
 * (which would map the operator's internal names for them).
 */
function describe(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof TargetAddressNotAllowed) return `${TARGET_ADDRESS_NOT_ALLOWED} (${cause.hostname})`;
  if (error instanceof AxiosError) {
    if (error.code === AxiosError.ECONNABORTED || error.code === AxiosError.ETIMEDOUT) return 'timeout';
    return error.code ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
