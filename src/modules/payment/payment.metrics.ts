import { Counter } from 'prom-client';
import type { Metrics } from '../../infra/metrics';
import { AppError } from '../../shared/errors';

export type PaymentOutcome = 'succeeded' | 'declined' | 'failed';

/** Declines (kind declined) are the card's answer; anything else is our or a provider's failure. */
export function paymentOutcomeOf(error: unknown): PaymentOutcome {
  return error instanceof AppError && error.kind === 'declined' ? 'declined' : 'failed';
}

/**
 * ocp_payments_total{method, outcome}: every charge of a card or mobile wallet into a wallet, so the
 * success rate is succeeded / all. Method is the charge's purpose (card_funding, auto_top_up,
 * apple_pay, google_pay).
 */
export function createPaymentMetrics(metrics: Metrics) {
  const payments = new Counter({
    name: 'ocp_payments_total',
    help: 'Card and mobile-wallet payments into wallets by method and outcome (succeeded, declined, failed)',
    labelNames: ['method', 'outcome'] as const,
    registers: [metrics.registry],
  });
  return {
    record(method: string, outcome: PaymentOutcome): void {
      payments.inc({ method, outcome });
    },
  };
}

export type PaymentMetrics = ReturnType<typeof createPaymentMetrics>;
