import type { Config } from '../../../config/config';
import type { PaymentProcessor } from './payment-processor';
import { SandboxProcessor } from './sandbox.processor';
import { StripeProcessor } from './stripe.processor';

/** Maps PAYMENT_PROCESSOR to an adapter; a custom processor is one class and one case here. */
export function createPaymentProcessor(config: Config): PaymentProcessor {
  switch (config.PAYMENT_PROCESSOR) {
    case 'sandbox':
      return new SandboxProcessor();
    case 'stripe':
      return createStripeProcessor(config, config.STRIPE_SECRET_KEY!);
    default:
      throw new Error(`No payment processor adapter for "${String(config.PAYMENT_PROCESSOR)}"`);
  }
}

/** Stripe under one account's secret key (the environment's, or a tenant's own), with the provider settings. */
export function createStripeProcessor(config: Config, secretKey: string): PaymentProcessor {
  return new StripeProcessor({
    baseUrl: config.STRIPE_API_URL,
    secretKey,
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
    retriesMax: config.PROVIDER_RETRIES_MAX,
    backoffBaseMs: config.PROVIDER_BACKOFF_BASE_MS,
    responseBytesMax: config.PROVIDER_RESPONSE_BYTES_MAX,
  });
}
