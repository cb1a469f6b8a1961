import { z, type ZodType } from 'zod';
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

/**
 * Bounded fields of a provider's card answer, so what it says fits what OCP stores and shows
 * (exp_year is a SMALLINT; a brand is a short word): anything else is the provider failing.
 */
export const answer = {
  id: z.string().min(1).max(255),
  brand: z
    .string()
    .min(1)
    .max(32)
    .regex(/^[A-Za-z0-9 _-]+$/),
  last4: z.string().min(4).max(32),
  expMonth: z.coerce.number().int().min(1).max(12),
  expYear: z.coerce.number().int().min(1000).max(9999),
  fingerprint: z.string().max(255),
};

/** Last four digits of a masked or full number (a masked "XXXXXXXXXXXX" plus four digits gives those four). */
export function last4Of(masked: string): string {
  const digits = masked.replace(/\D/g, '');
  return digits.slice(-4).padStart(4, '0');
}
