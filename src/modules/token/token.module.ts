import type { Config } from '../../config/config';
import type { Encryptor } from '../../infra/crypto/envelope';
import type { Database } from '../../infra/db/database';
import { providerHttpSettings } from '../../infra/http/provider-http';
import type { Logger } from '../../infra/logger';
import type { TenantConfiguration } from '../../shared/tenant-settings';
import { SqlTokenRepository } from './adapters/sql-token.repository';
import { Fingerprinter } from './fingerprint';
import { BasisTheoryProvider } from './providers/basis-theory.provider';
import { LocalVaultProvider } from './adapters/local-vault.provider';
import { StripeTokenProvider } from './providers/stripe.provider';
import { TenantTokenProviders } from './tenant-token-providers';
import { TokenService } from './token.service';
import type { TokenProvider } from './token-provider';

export interface TokenModuleDeps {
  config: Config;
  db: Database;
  encryptor: Encryptor;
  logger: Logger;
  tenants: TenantConfiguration;
}

/**
 * The one place that maps TOKEN_PROVIDER to an adapter. A custom provider is a class implementing
 * TokenProvider plus one case here (and its value in the config enum).
 */
export function createTokenProvider(deps: Omit<TokenModuleDeps, 'tenants'> & { fingerprinter: Fingerprinter }): TokenProvider {
  const { config, db, encryptor, fingerprinter } = deps;
  const http = providerHttpSettings(config);
  switch (config.TOKEN_PROVIDER) {
    case 'local':
      return new LocalVaultProvider(db, encryptor, fingerprinter);
    case 'basis_theory':
      return new BasisTheoryProvider({ ...http, baseUrl: config.BASIS_THEORY_API_URL, apiKey: config.BASIS_THEORY_API_KEY! });
    case 'stripe':
      return createStripeTokenProvider(config, config.STRIPE_SECRET_KEY!);
    default:
      throw new Error(`No token provider adapter for "${config.TOKEN_PROVIDER}"`);
  }
}

/** Stripe as the vault under one account's secret key: the environment's, or a tenant's own. */
function createStripeTokenProvider(config: Config, secretKey: string): TokenProvider {
  return new StripeTokenProvider({ ...providerHttpSettings(config), baseUrl: config.STRIPE_API_URL, secretKey });
}

export function createTokenModule(deps: TokenModuleDeps) {
  const fingerprinter = Fingerprinter.fromConfig(deps.config.TOKEN_FINGERPRINT_KEY, deps.config.ENCRYPTION_KEYS);
  const environment = createTokenProvider({ ...deps, fingerprinter });
  const providers = new TenantTokenProviders(deps.tenants, environment, (secretKey) => createStripeTokenProvider(deps.config, secretKey));
  return { service: new TokenService(providers, new SqlTokenRepository(deps.db), deps.logger) };
}

export type TokenModule = ReturnType<typeof createTokenModule>;
