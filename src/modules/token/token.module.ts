import type { Config } from '../../config/config';
import type { Encryptor } from '../../infra/crypto/envelope';
import type { Database } from '../../infra/db/database';
import type { Logger } from '../../infra/logger';
import { SqlTokenRepository } from './adapters/sql-token.repository';
import { Fingerprinter } from './fingerprint';
import { BasisTheoryProvider } from './providers/basis-theory.provider';
import { LocalVaultProvider } from './adapters/local-vault.provider';
import { StripeTokenProvider } from './providers/stripe.provider';
import { TokenService } from './token.service';
import type { TokenProvider } from './token-provider';

export interface TokenModuleDeps {
  config: Config;
  db: Database;
  encryptor: Encryptor;
  logger: Logger;
}

/**
 * The one place that maps TOKEN_PROVIDER to an adapter. A custom provider is a class implementing
 * TokenProvider plus one case here (and its value in the config enum).
 */
export function createTokenProvider(deps: TokenModuleDeps & { fingerprinter: Fingerprinter }): TokenProvider {
  const { config, db, encryptor, fingerprinter } = deps;
  const http = {
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
    retriesMax: config.PROVIDER_RETRIES_MAX,
    backoffBaseMs: config.PROVIDER_BACKOFF_BASE_MS,
    responseBytesMax: config.PROVIDER_RESPONSE_BYTES_MAX,
  };
  switch (config.TOKEN_PROVIDER) {
    case 'local':
      return new LocalVaultProvider(db, encryptor, fingerprinter);
    case 'basis_theory':
      return new BasisTheoryProvider({ ...http, baseUrl: config.BASIS_THEORY_API_URL, apiKey: config.BASIS_THEORY_API_KEY! });
    case 'stripe':
      return new StripeTokenProvider({ ...http, baseUrl: config.STRIPE_API_URL, secretKey: config.STRIPE_SECRET_KEY! });
    default:
      throw new Error(`No token provider adapter for "${config.TOKEN_PROVIDER}"`);
  }
}

export function createTokenModule(deps: TokenModuleDeps) {
  const fingerprinter = Fingerprinter.fromConfig(deps.config.TOKEN_FINGERPRINT_KEY, deps.config.ENCRYPTION_KEYS);
  const provider = createTokenProvider({ ...deps, fingerprinter });
  return { service: new TokenService(provider, new SqlTokenRepository(deps.db), deps.logger), provider };
}

export type TokenModule = ReturnType<typeof createTokenModule>;
