import type { Config } from '../../config/config';
import type { Cache } from '../../infra/cache/cache';
import { FallbackCache } from '../../infra/cache/fallback-cache';
import { scryptCost } from '../../infra/crypto/passwords';
import type { Database } from '../../infra/db/database';
import type { TenantStatusLookup } from '../../shared/tenant-settings';
import type { Logger } from '../../infra/logger';
import { SqlLockRecords, SqlRevocationRecords } from './adapters/sql-access-records';
import { SqlAuthRepository } from './adapters/sql-auth.repository';
import type { AgentCredentialStore } from './agent-credentials';
import { AuthService } from './auth.service';
import { LoginLocks } from './login-locks';
import { MerchantApiClients } from './merchant-api-clients';
import { TokenIssuer } from './token-issuer';
import { TokenRevocations } from './token-revocations';

export interface AuthModuleDeps {
  config: Config;
  db: Database;
  cache: Cache;
  logger: Logger;
  /** Agents' credentials and status, asked by the token exchange and every agent token check. */
  agentCredentials: AgentCredentialStore;
  /** Tenants' status: a suspended tenant's credentials and refresh tokens mint no access token. */
  tenants: TenantStatusLookup;
}

/**
 * Users, API clients and token issuance on the SQL adapters. Lock and revocation markers are
 * refilled from the database before the first request, and the initial admin is ensured.
 */
export async function createAuthModule(d: AuthModuleDeps) {
  const { config, db, cache, logger } = d;
  const accessTtlMs = config.JWT_ACCESS_TTL_SECONDS * 1000;
  const tokenIssuer = new TokenIssuer(config.JWT_SECRET, config.JWT_ACCESS_TTL_SECONDS);
  const locks = new LoginLocks(cache, new SqlLockRecords(db), accessTtlMs, logger);
  await locks.warm();
  const revocations = new TokenRevocations(cache, new SqlRevocationRecords(db), accessTtlMs, logger);
  await revocations.warm();
  // Locks and client revocations made while Redis was away were marked only in this process (and
  // the fallback clears what it wrote locally from Redis on recovery): mark them in Redis again.
  if (cache instanceof FallbackCache) {
    cache.onRecovered(async () => {
      await locks.warm();
      await revocations.warm();
    });
  }
  const repository = new SqlAuthRepository(db);
  const service = new AuthService(
    db,
    repository,
    tokenIssuer,
    logger,
    {
      refreshTtlSeconds: config.JWT_REFRESH_TTL_SECONDS,
      locks,
      revocations,
      passwordCost: scryptCost(config.PASSWORD_SCRYPT_COST_LOG2),
      tenants: d.tenants,
    },
    d.agentCredentials,
  );
  await service.ensureInitialAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
  const merchantClients = new MerchantApiClients(db, repository, logger, revocations);
  return { service, locks, merchantClients };
}
