import type { Logger } from '../../infra/logger';
import type { WebhookMetrics } from './webhook.metrics';
import type { BreakerChange, BreakerPolicy, WebhookDeliveryStore } from './webhook.repository';

/**
 * The per-endpoint circuit breaker, around the store's counters. After `failuresToOpen`
 * consecutive failed attempts an endpoint is left alone for openBaseMs, doubling at each failed
 * probe up to openMaxMs; its deliveries wait without using up attempts (the claim skips it). The
 * state lives in webhook_endpoints, shared by every worker instance. Logs name the endpoint id,
 * never its URL's secrets or the signing secret.
 */
export class EndpointBreaker {
  constructor(
    private readonly store: WebhookDeliveryStore,
    private readonly policy: BreakerPolicy,
    private readonly logger: Logger,
    private readonly metrics: WebhookMetrics,
  ) {}

  /** Never throws: a breaker that could not be updated must not undo a recorded delivery. */
  async succeeded(endpointId: string): Promise<void> {
    await this.update(endpointId, () => this.store.recordEndpointSuccess(endpointId));
  }

  /** Never throws, like succeeded(). */
  async failed(endpointId: string): Promise<void> {
    await this.update(endpointId, () => this.store.recordEndpointFailure(endpointId, this.policy));
  }

  private async update(endpointId: string, change: () => Promise<BreakerChange | null>): Promise<void> {
    try {
      const changed = await change();
      if (!changed) return;
      this.metrics.breakerTransitions.inc({ state: changed.state });
      if (changed.state === 'closed') {
        this.logger.info('webhook endpoint breaker closed', { endpointId });
        return;
      }
      this.metrics.deferred.inc(changed.deferred);
      this.logger.warn('webhook endpoint breaker opened', {
        endpointId,
        openUntil: changed.openUntil.toISOString(),
        trips: changed.trips,
        deferredDeliveries: changed.deferred,
        failuresToOpen: this.policy.failuresToOpen,
      });
    } catch (error) {
      // The next attempt's outcome updates it again.
      this.logger.warn('webhook endpoint breaker could not be updated', { endpointId, error });
    }
  }
}
