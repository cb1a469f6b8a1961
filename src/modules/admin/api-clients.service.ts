import type { AuthService } from '../auth';
import type { AdminContext } from './audit/audit.repository';
import type { AuditTrail } from './audit/audit-trail';

/** Server-to-server clients, created and revoked by operators, audited in the same transaction. */
export class AdminApiClientService {
  constructor(
    private readonly auth: AuthService,
    private readonly audit: AuditTrail,
  ) {}

  /** The secret is in the result only: never in the audit row. Errors: validation_failed (400). */
  async create(ctx: AdminContext, name: string, permissions: string[]) {
    const entry = { action: 'api_client.create', targetType: 'api_client', targetId: 'new' };
    return this.audit.recordingRefusals(ctx, entry, () =>
      this.auth.createApiClient(ctx.actorId, name, permissions, (tx, client) =>
        this.audit.append(tx, ctx, { ...entry, targetId: client.id, after: { name: client.name, permissions: client.permissions } }),
      ),
    );
  }

  /** Errors: not_found (404). */
  async revoke(ctx: AdminContext, id: string): Promise<void> {
    const entry = { action: 'api_client.revoke', targetType: 'api_client', targetId: id };
    await this.audit.recordingRefusals(ctx, entry, () =>
      this.auth.revokeApiClient(id, (tx) => this.audit.append(tx, ctx, { ...entry, before: { revoked: false }, after: { revoked: true } })),
    );
  }
}
