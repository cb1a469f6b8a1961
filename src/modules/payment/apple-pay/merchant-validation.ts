import { Agent } from 'node:https';
import axios from 'axios';
import { z } from 'zod';
import { Unavailable, ValidationFailed } from '../../../shared/errors';

/**
 * Apple's documented merchant validation hosts ("Setting up your server": Apple Pay servers' domains).
 * The client passes the validation URL, so anything outside this list would let a caller make OCP
 * send its merchant certificate, or a request, anywhere (SSRF).
 */
export const APPLE_PAY_VALIDATION_HOSTS: readonly string[] = [
  'apple-pay-gateway.apple.com',
  'cn-apple-pay-gateway.apple.com',
  ...[1, 2, 3, 4, 5].map((n) => `apple-pay-gateway-nc-pod${n}.apple.com`),
  ...[1, 2, 3, 4, 5].map((n) => `apple-pay-gateway-pr-pod${n}.apple.com`),
  ...[1, 2, 3].map((n) => `cn-apple-pay-gateway-sh-pod${n}.apple.com`),
  ...[1, 2, 3].map((n) => `cn-apple-pay-gateway-tj-pod${n}.apple.com`),
  'apple-pay-gateway-cert.apple.com',
  'cn-apple-pay-gateway-cert.apple.com',
];

export interface MerchantValidationRequest {
  merchantIdentifier: string;
  displayName: string;
  initiative: 'web';
  initiativeContext: string;
}

/** Port: obtains an opaque merchant session from Apple for the client's ApplePaySession. */
export interface MerchantValidator {
  /** Errors: validation_url_not_allowed (400), apple_pay_validation_failed (503). */
  validate(validationUrl: string, request: MerchantValidationRequest): Promise<unknown>;
}

export interface HttpsMerchantValidatorOptions {
  /** Merchant identity certificate and its key (PEM): the client certificate of the mutual TLS. */
  certPem: string;
  keyPem: string;
  timeoutMs: number;
  /** host or host:port entries; Apple's list by default. Tests add their local server. */
  allowedHosts?: readonly string[];
  /** Extra trusted CA (PEM) for a local test server; production uses the system's CAs. */
  caPem?: string;
}

const RESPONSE_BYTES_MAX = 64 * 1024;

/**
 * What Apple answers is an opaque merchant session handed to the payment sheet as is; it must at
 * least be one (Apple's errors come back as 200s with statusMessage too), with bounded fields.
 */
const merchantSession = z.looseObject({
  merchantSessionIdentifier: z.string().min(1).max(1_024),
  signature: z.string().min(1).max(32_768),
  epochTimestamp: z.number().int().nonnegative(),
});

/** Merchant validation over HTTPS with the merchant identity certificate (mutual TLS). */
export class HttpsMerchantValidator implements MerchantValidator {
  private readonly agent: Agent;
  private readonly allowedHosts: readonly string[];

  constructor(private readonly options: HttpsMerchantValidatorOptions) {
    this.allowedHosts = options.allowedHosts ?? APPLE_PAY_VALIDATION_HOSTS;
    this.agent = new Agent({
      cert: options.certPem,
      key: options.keyPem,
      ...(options.caPem ? { ca: options.caPem } : {}),
      minVersion: 'TLSv1.2',
      keepAlive: true,
    });
  }

  async validate(validationUrl: string, request: MerchantValidationRequest): Promise<unknown> {
    const url = allowedUrl(validationUrl, this.allowedHosts);
    try {
      const response = await axios.post(url.toString(), request, {
        httpsAgent: this.agent,
        timeout: this.options.timeoutMs,
        maxRedirects: 0, // a redirect could leave the allow-list
        maxContentLength: RESPONSE_BYTES_MAX,
        proxy: false,
        validateStatus: () => true,
      });
      if (response.status !== 200) throw new Error(`Apple answered ${response.status}`);
      const session = merchantSession.safeParse(response.data);
      if (!session.success) throw new Error('Apple answered something that is not a merchant session');
      return session.data;
    } catch (error) {
      // The reason (TLS alert, status, timeout) goes to the cause for the logs, not to the client.
      const failure = new Unavailable('Apple Pay merchant validation failed', 'apple_pay_validation_failed');
      (failure as Error).cause = error instanceof Error ? error.message : String(error);
      throw failure;
    }
  }
}

/** Errors: validation_url_not_allowed (400) for anything but https to an allowed host, without credentials. */
export function allowedUrl(validationUrl: string, allowedHosts: readonly string[]): URL {
  let url: URL | undefined;
  try {
    url = new URL(validationUrl);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || url.username || url.password || !allowedHosts.includes(url.host.toLowerCase())) {
    throw new ValidationFailed(
      "validationUrl must be an https URL on one of Apple Pay's merchant validation hosts",
      {
        fields: [{ field: 'body.validationUrl', message: 'is not an Apple Pay merchant validation URL' }],
      },
      'validation_url_not_allowed',
    );
  }
  return url;
}
