import { ClientsByTenantKey } from '../../../shared/clients-by-tenant-key';
import { Unavailable } from '../../../shared/errors';
import type { TenantConfiguration } from '../../../shared/tenant-settings';
import { currentTenantId } from '../../../infra/tenant-scope';
import type { PaymentProcessor } from './payment-processor';

/**
 * Which card processor a tenant's money goes through (docs/tenants.md). New charges, payouts and
 * bank accounts go to the tenant's current one; a refund, a recovery or a payout already recorded
 * goes to the processor its record names, so it stays with the account that took the charge.
 */
export interface ProcessorChoice {
  /**
   * The processor the current tenant's new charges, payouts and bank accounts go to.
   * Errors: processor_not_configured (503) when the tenant chose one whose credentials it has not set.
   */
  current(): Promise<PaymentProcessor>;
  /** The processor called `name` for the tenant, or undefined when it has none by that name now. */
  named(tenantId: string, name: string): Promise<PaymentProcessor | undefined>;
}

export interface TenantProcessorAdapters {
  /** The environment's (PAYMENT_PROCESSOR, STRIPE_SECRET_KEY): every tenant that sets no payments. */
  environment: PaymentProcessor;
  /** The sandbox for tenants that chose it (it holds no credentials). */
  sandbox: PaymentProcessor;
  /** Stripe under a tenant's own secret key. */
  stripe: (secretKey: string) => PaymentProcessor;
}

/**
 * A tenant that sets `payments.processor` charges through it with its own credentials; one that
 * does not uses the environment's processor. Each tenant's Stripe processor is kept, and built
 * again when the tenant's key changes.
 */
export class TenantProcessors implements ProcessorChoice {
  private readonly stripeByTenant: ClientsByTenantKey<PaymentProcessor>;

  constructor(
    private readonly tenants: TenantConfiguration,
    private readonly adapters: TenantProcessorAdapters,
  ) {
    this.stripeByTenant = new ClientsByTenantKey(adapters.stripe);
  }

  async current(): Promise<PaymentProcessor> {
    const tenantId = currentTenantId();
    const { payments } = await this.tenants.settingsOf(tenantId);
    if (!payments) return this.adapters.environment;
    const processor = await this.named(tenantId, payments.processor);
    if (!processor) {
      throw new Unavailable(`The card processor ${payments.processor} has no credentials set for this tenant`, 'processor_not_configured');
    }
    return processor;
  }

  async named(tenantId: string, name: string): Promise<PaymentProcessor | undefined> {
    const { payments } = await this.tenants.settingsOf(tenantId);
    if (!payments) return this.adapters.environment.name === name ? this.adapters.environment : undefined;
    if (name === this.adapters.sandbox.name) return this.adapters.sandbox;
    if (name !== 'stripe') return undefined;
    const { stripeSecretKey } = await this.tenants.credentialsOf(tenantId);
    return stripeSecretKey ? this.stripeByTenant.of(tenantId, stripeSecretKey) : undefined;
  }
}
