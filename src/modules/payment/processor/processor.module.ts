import type { Config } from '../../../config/config';
import { providerHttpSettings } from '../../../infra/http/provider-http';
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
  return new StripeProcessor({ ...providerHttpSettings(config), baseUrl: config.STRIPE_API_URL, secretKey });
}
