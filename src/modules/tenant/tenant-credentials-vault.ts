import type { Encryptor } from '../../infra/crypto/envelope';
import { tenantCredentialsSchema, type TenantCredentials } from '../../shared/tenant-settings';

/**
 * A tenant's provider credentials at rest: one AES-256-GCM envelope of their JSON (the project's
 * Encryptor, as token_vault), bound to the tenant's id as AAD so an envelope copied onto another
 * tenant's row does not open. `npm run keys:rotate` re-encrypts it (ENCRYPTED_COLUMNS).
 */
export class TenantCredentialsVault {
  constructor(private readonly encryptor: Encryptor) {}

  seal(tenantId: string, credentials: TenantCredentials): string | null {
    return Object.keys(credentials).length === 0 ? null : this.encryptor.encrypt(JSON.stringify(credentials), tenantId);
  }

  open(tenantId: string, envelope: string): TenantCredentials {
    return tenantCredentialsSchema.parse(JSON.parse(this.encryptor.decrypt(envelope, tenantId).toString('utf8')));
  }
}
