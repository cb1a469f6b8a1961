import type { ZodType } from 'zod';
import type { ProviderResponse } from '../../../infra/http/provider-http';
import { Unavailable, Unprocessable } from '../../../shared/errors';

export const TOKEN_PROVIDER_UNAVAILABLE = 'token_provider_unavailable';

/**
 * Reads a provider's answer: the parsed body of a 2xx, a refusal for a 4xx. The provider's own
 * error text is not passed on: it may echo the data it refused.
 */
export function expectOk<T>(provider: string, response: ProviderResponse, schema: ZodType<T>): T {
  if (response.status >= 400) {
    throw new Unprocessable('token_provider_rejected', `${provider} refused the request (HTTP ${response.status})`, {
      providerStatus: response.status,
    });
  }
  const parsed = schema.safeParse(response.body);
  if (!parsed.success) throw new Unavailable(`${provider} answered with an unexpected body`, TOKEN_PROVIDER_UNAVAILABLE);
  return parsed.data;
}

/** Last four digits of a masked or full number ("XXXXXXXXXXXX4242" -> "4242"). */
export function last4Of(masked: string): string {
  const digits = masked.replace(/\D/g, '');
  return digits.slice(-4).padStart(4, '0');
}
