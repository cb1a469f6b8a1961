import type { CodeOf } from '../../shared/error-catalogue';
import { ProviderHttp, type ProviderHttpOptions } from './provider-http';

/**
 * A client for Stripe's API (form-encoded bodies, the secret key as a bearer token), shared by the
 * Stripe token provider and the Stripe payment processor, which live in different modules.
 */
export function stripeHttp(
  options: Omit<ProviderHttpOptions, 'name' | 'headers' | 'unavailableCode' | 'encoding'>,
  secretKey: string,
  unavailableCode: CodeOf<'unavailable'>,
) {
  return new ProviderHttp({
    ...options,
    name: 'Stripe',
    encoding: 'form',
    unavailableCode,
    headers: { Authorization: `Bearer ${secretKey}` },
    // 409: idempotency_key_in_use (OCP's own retry met its first attempt, still running) or
    // lock_timeout. Stripe saved nothing for the request; a 4xx read as a refusal would, on a payout
    // Stripe then makes, put the money back into the wallet as well.
    busyStatuses: [409],
  });
}
