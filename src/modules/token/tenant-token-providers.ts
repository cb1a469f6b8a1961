import { ClientsByTenantKey } from '../../shared/clients-by-tenant-key';
import { Unavailable } from '../../shared/errors';
import type { TenantConfiguration } from '../../shared/tenant-settings';
import { currentTenantId } from '../../infra/tenant-scope';
import type { TokenProvider } from './token-provider';

/**
 * Which token provider holds a tenant's cards (docs/tenants.md). A tenant that charges through
 * Stripe under its own key (`payments.processor: stripe`) tokenizes there too, under the same key:
 * a Stripe payment method can be charged only by the account that made it. Every other tenant
 * tokenizes with the environment's provider (TOKEN_PROVIDER).
 */
export interface TokenProviderChoice {
  /**
   * The provider the current tenant's new tokens go to.
   * Errors: processor_not_configured (503) when the tenant chose Stripe and has not set its key.
   */
  current(): Promise<TokenProvider>;
  /**
   * The provider that holds a token recorded as `name` for the tenant, or undefined when the tenant
   * has none by that name now. Errors: processor_not_configured (503) as for current().
   */
  named(tenantId: string, name: string): Promise<TokenProvider | undefined>;
}

export class TenantTokenProviders implements TokenProviderChoice {
  private readonly stripeByTenant: ClientsByTenantKey<TokenProvider>;

  constructor(
    private readonly tenants: TenantConfiguration,
    private readonly environment: TokenProvider,
    stripe: (secretKey: string) => TokenProvider,
  ) {
    this.stripeByTenant = new ClientsByTenantKey(stripe);
  }

  async current(): Promise<TokenProvider> {
    const tenantId = currentTenantId();
    return (await this.onOwnStripe(tenantId)) ? this.ownStripe(tenantId) : this.environment;
  }

  async named(tenantId: string, name: string): Promise<TokenProvider | undefined> {
    if (name === 'stripe' && (await this.onOwnStripe(tenantId))) return this.ownStripe(tenantId);
    return name === this.environment.name ? this.environment : undefined;
  }

  private async onOwnStripe(tenantId: string): Promise<boolean> {
    return (await this.tenants.settingsOf(tenantId)).payments?.processor === 'stripe';
  }

  private async ownStripe(tenantId: string): Promise<TokenProvider> {
    const { stripeSecretKey } = await this.tenants.credentialsOf(tenantId);
    if (!stripeSecretKey) throw new Unavailable('Stripe has no credentials set for this tenant', 'processor_not_configured');
    return this.stripeByTenant.of(tenantId, stripeSecretKey);
  }
}
