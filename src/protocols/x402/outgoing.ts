import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { isPublicAddress, publicOnlyLookup } from '../../modules/webhook';
import { Unavailable, ValidationFailed } from '../../shared/errors';

export interface OutgoingResponse {
  status: number;
  /** Lowercase names. */
  headers: Record<string, string>;
  body: string;
}

export interface OutgoingLimits {
  /** Loopback and private addresses too (development and tests; WEBHOOK_ALLOW_PRIVATE_TARGETS). */
  allowPrivate: boolean;
  timeoutMs: number;
  bodyBytesMax: number;
}

/**
 * One request to a URL a caller gave, with the webhook sender's outgoing-URL safety: http(s) only,
 * and (unless allowPrivate) only to public addresses, checked for IP literals here and for names on
 * every connection (so DNS rebinding cannot reach 169.254.169.254); no redirects; a timeout and a
 * bound on the body. Errors: x402_url_not_allowed (400), x402_unreachable (503).
 */
export function outgoingRequest(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: string },
  limits: OutgoingLimits,
): Promise<OutgoingResponse> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw notAllowed(url, 'only http and https URLs');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!limits.allowPrivate && isIP(host) !== 0 && !isPublicAddress(host)) throw notAllowed(url, 'not a public address');
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: init.method,
        headers: { ...init.headers, ...(init.body !== undefined ? { 'content-length': Buffer.byteLength(init.body).toString() } : {}) },
        timeout: limits.timeoutMs,
        ...(limits.allowPrivate ? {} : { lookup: publicOnlyLookup() }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limits.bodyBytesMax) {
            request.destroy();
            reject(new Unavailable('The URL answered with a body larger than OCP reads', 'x402_unreachable'));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', () => reject(unreachable()));
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) => {
      if ((error as { code?: string }).code === 'target_address_not_allowed') reject(notAllowed(url, 'not a public address'));
      else reject(unreachable());
    });
    request.end(init.body);
  });
}

function notAllowed(url: URL, why: string) {
  return new ValidationFailed(`OCP does not fetch ${url.host}: ${why}`, { host: url.host }, 'x402_url_not_allowed');
}

function unreachable() {
  return new Unavailable('The URL could not be fetched', 'x402_unreachable', 5);
}
