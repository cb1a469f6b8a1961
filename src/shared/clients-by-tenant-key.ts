import { createHash } from 'node:crypto';

/**
 * One provider client per tenant, built with the tenant's own secret key on first use, kept, and
 * built again when the key changes. The change is told by a hash: the key itself lives only in the
 * client built with it, and is never logged.
 */
export class ClientsByTenantKey<T> {
  private readonly byTenant = new Map<string, { keyHash: string; client: T }>();

  constructor(private readonly build: (secretKey: string) => T) {}

  of(tenantId: string, secretKey: string): T {
    const keyHash = createHash('sha256').update(secretKey).digest('hex');
    const kept = this.byTenant.get(tenantId);
    if (kept?.keyHash === keyHash) return kept.client;
    const client = this.build(secretKey);
    this.byTenant.set(tenantId, { keyHash, client });
    return client;
  }
}
