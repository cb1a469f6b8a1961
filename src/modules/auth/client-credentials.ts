import { timingSafeEqual } from 'node:crypto';
import { newId, newSecret, sha256Hex } from '../../infra/crypto/ids';
import type { Logger } from '../../infra/logger';
import { inSystemScope } from '../../infra/tenant-scope';
import { NotFound, Unauthorized, ValidationFailed } from '../../shared/errors';
import type { Principal } from '../../shared/principal';
import { assertTenantActive, type TenantStatusLookup } from '../../shared/tenant-settings';
import type { Transaction, TransactionRunner } from '../../shared/transaction';
import { AGENT_CLIENT_ID_PREFIX, type AgentCredentialStore } from './agent-credentials';
import type { AuthRepository } from './auth.repository';
import { accountLocked, type LoginLocks } from './login-locks';
import { AGENT_PERMISSIONS, GRANTABLE_PERMISSIONS } from './permissions';
import type { TokenIssuer } from './token-issuer';
import type { TokenRevocations } from './token-revocations';

/**
 * Server-to-server credentials: the operators' API clients (created and revoked by an admin) and
 * agents' credentials, both exchanged for an access token with the client_credentials grant.
 */
export class ClientCredentials {
  constructor(
    private readonly db: TransactionRunner,
    private readonly repo: AuthRepository,
    private readonly tokens: TokenIssuer,
    private readonly logger: Logger,
    private readonly revocations?: TokenRevocations,
    private readonly tenants?: TenantStatusLookup,
    private readonly agents?: AgentCredentialStore,
    private readonly locks?: Pick<LoginLocks, 'isLockedOnRecord'>,
  ) {}

  async exchange(clientId: string, clientSecret: string): Promise<{ accessToken: string; expiresIn: number }> {
    if (this.agents && clientId.startsWith(AGENT_CLIENT_ID_PREFIX)) return this.exchangeAgentCredentials(clientId, clientSecret);
    // Client ids are unique across tenants: the client's own tenant is the token's.
    const client = await inSystemScope(() => this.repo.findApiClient(clientId));
    const presented = Buffer.from(sha256Hex(clientSecret), 'hex');
    const stored = Buffer.from(client?.secretHash ?? sha256Hex(''), 'hex');
    if (!client || client.revokedAt || !timingSafeEqual(presented, stored)) {
      throw new Unauthorized('Client credentials are invalid', 'invalid_client');
    }
    await this.assertTenantActive(client.tenantId);
    if (client.merchantId) await this.assertOwnerNotLocked(client.createdBy);
    const principal: Principal = {
      sub: client.id,
      role: 'service',
      permissions: client.permissions,
      tenantId: client.tenantId,
      // A merchant's client acts for the merchant's owner, who made it: locking the owner stops it at
      // once, as it stops their agents.
      ...(client.merchantId ? { merchantId: client.merchantId, ownerId: client.createdBy } : {}),
    };
    return { accessToken: this.tokens.sign(principal), expiresIn: this.tokens.accessTtlSeconds };
  }

  async createApiClient(
    createdBy: string,
    name: string,
    permissions: string[],
    inTx?: (tx: Transaction, client: { id: string; name: string; permissions: string[] }) => Promise<void>,
  ) {
    const unknown = permissions.filter((p) => !(GRANTABLE_PERMISSIONS as readonly string[]).includes(p));
    if (unknown.length > 0) {
      throw new ValidationFailed(`Permissions that cannot be granted: ${unknown.join(', ')}`, { unknown });
    }
    const clientSecret = newSecret();
    const client = await this.db.transaction(async (tx) => {
      const created = await this.repo.createApiClient(
        {
          id: newId('cli'),
          clientId: newId('ci'),
          name,
          secretHash: sha256Hex(clientSecret),
          permissions: [...new Set(permissions)],
          createdBy,
        },
        tx,
      );
      await inTx?.(tx, { id: created.id, name, permissions: created.permissions });
      return created;
    });
    this.logger.info('api client created', { apiClientId: client.id, createdBy });
    return { id: client.id, clientId: client.clientId, clientSecret, name, permissions: client.permissions };
  }

  async revokeApiClient(id: string, inTx?: (tx: Transaction) => Promise<void>): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await this.repo.revokeApiClient(id, tx))) throw new NotFound('API client not found');
      await inTx?.(tx);
      await this.revocations?.revokeClient(id);
    });
  }

  private async exchangeAgentCredentials(clientId: string, clientSecret: string) {
    const agent = await inSystemScope(() => this.agents!.findByClientId(clientId));
    const presented = Buffer.from(sha256Hex(clientSecret), 'hex');
    const stored = Buffer.from(agent?.secretHash ?? sha256Hex(''), 'hex');
    if (!agent || !timingSafeEqual(presented, stored) || !agent.active) {
      throw new Unauthorized('Client credentials are invalid', 'invalid_client');
    }
    await this.assertTenantActive(agent.tenantId);
    await this.assertOwnerNotLocked(agent.ownerId);
    const principal: Principal = {
      sub: agent.agentId,
      role: 'agent',
      permissions: [...AGENT_PERMISSIONS],
      ownerId: agent.ownerId,
      credentialsVersion: agent.credentialsVersion,
      tenantId: agent.tenantId,
    };
    return { accessToken: this.tokens.sign(principal), expiresIn: this.tokens.accessTtlSeconds };
  }

  /**
   * An agent or a merchant's API client acts for its owner: while the owner is locked it gets no
   * token (401 account_locked), however long ago the lock was made. Asked after the secret.
   */
  private async assertOwnerNotLocked(ownerId: string): Promise<void> {
    if (await this.locks?.isLockedOnRecord(ownerId)) throw accountLocked();
  }

  /**
   * Asked once the caller has shown a valid secret (so the answer tells nobody else whether the
   * tenant exists): 403 tenant_suspended, as the tenant's every other request gets.
   */
  private async assertTenantActive(tenantId: string): Promise<void> {
    if (this.tenants) await assertTenantActive(this.tenants, tenantId);
  }
}
