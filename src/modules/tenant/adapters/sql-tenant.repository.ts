import { isUniqueViolation, sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Cursor } from '../../../shared/pagination';
import { tenantSettingsSchema, type TenantSettings } from '../../../shared/tenant-settings';
import type { Transaction } from '../../../shared/transaction';
import { HostnameTaken, type Tenant, type TenantChanges, type TenantRepository, type TenantStatus } from '../tenant.repository';

interface TenantRow {
  id: string;
  name: string;
  status: TenantStatus;
  settings: unknown;
  credential_names: string[];
  hostnames: string[];
  created_at: Date;
  updated_at: Date;
}

const SELECT_TENANT = `SELECT t.id, t.name, t.status, t.settings, t.credential_names, t.created_at, t.updated_at,
       COALESCE((SELECT array_agg(h.hostname ORDER BY h.hostname) FROM tenant_hostnames h WHERE h.tenant_id = t.id), '{}') AS hostnames
  FROM tenants t`;

/** bigint amounts (four-eyes thresholds) are kept as strings of digits, as the API takes them. */
const settingsJson = (settings: TenantSettings) => JSON.stringify(settings, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * Settings were validated on the way in; a row that no longer passes (a schema made stricter
 * since) counts as no settings, so the service's own defaults apply rather than a 500 on every request.
 */
function storedSettings(raw: unknown): TenantSettings {
  const parsed = tenantSettingsSchema.safeParse(raw);
  return parsed.success ? parsed.data : {};
}

const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  name: r.name,
  status: r.status,
  settings: storedSettings(r.settings),
  hostnames: r.hostnames,
  credentialNames: r.credential_names,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function hostnameTaken(error: unknown): unknown {
  if (!isUniqueViolation(error)) return error;
  const detail = (error as { detail?: unknown }).detail;
  const match = typeof detail === 'string' ? /\(hostname\)=\(([^)]+)\)/.exec(detail) : null;
  return new HostnameTaken(match?.[1]);
}

/** The PostgreSQL adapter; PGlite runs the same SQL. */
export class SqlTenantRepository implements TenantRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(tx: Transaction, t: { id: string; name: string; settings: TenantSettings; hostnames: string[] }): Promise<Tenant> {
    const sql = sqlOf(tx);
    await sql.query('INSERT INTO tenants (id, name, settings) VALUES ($1, $2, $3::jsonb)', [t.id, t.name, settingsJson(t.settings)]);
    await this.replaceHostnames(sql, t.id, t.hostnames);
    return (await this.read(sql, t.id, false))!;
  }

  find(id: string, tx?: Transaction): Promise<Tenant | null> {
    return this.read(sqlOf(tx, this.db), id, tx !== undefined);
  }

  async list(limit: number, after?: Cursor): Promise<Tenant[]> {
    const { rows } = await this.db.query<TenantRow>(
      `${SELECT_TENANT}
        WHERE ($1::timestamptz IS NULL OR (t.created_at, t.id) < ($1::timestamptz, $2::text))
        ORDER BY t.created_at DESC, t.id DESC LIMIT $3`,
      [after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows.map(toTenant);
  }

  async update(tx: Transaction, id: string, changes: TenantChanges): Promise<Tenant | null> {
    const sql = sqlOf(tx);
    const { rowCount } = await sql.query(
      `UPDATE tenants SET name = COALESCE($2, name), status = COALESCE($3, status),
              settings = COALESCE($4::jsonb, settings), updated_at = now()
        WHERE id = $1`,
      [id, changes.name ?? null, changes.status ?? null, changes.settings ? settingsJson(changes.settings) : null],
    );
    if (rowCount === 0) return null;
    if (changes.hostnames) await this.replaceHostnames(sql, id, changes.hostnames);
    return this.read(sql, id, false);
  }

  async setCredentials(tx: Transaction, id: string, envelope: string | null, names: string[]): Promise<Tenant | null> {
    const sql = sqlOf(tx);
    const { rowCount } = await sql.query(
      'UPDATE tenants SET provider_credentials = $2, credential_names = $3::text[], updated_at = now() WHERE id = $1',
      [id, envelope, names],
    );
    return rowCount === 0 ? null : this.read(sql, id, false);
  }

  async credentialsEnvelope(id: string): Promise<string | null | undefined> {
    const { rows } = await this.db.query<{ provider_credentials: string | null }>(
      'SELECT provider_credentials FROM tenants WHERE id = $1',
      [id],
    );
    return rows[0]?.provider_credentials;
  }

  async tenantOfHost(hostname: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ tenant_id: string }>('SELECT tenant_id FROM tenant_hostnames WHERE hostname = $1', [hostname]);
    return rows[0]?.tenant_id;
  }

  private async read(sql: SqlClient, id: string, lock: boolean): Promise<Tenant | null> {
    const { rows } = await sql.query<TenantRow>(`${SELECT_TENANT} WHERE t.id = $1${lock ? ' FOR UPDATE OF t' : ''}`, [id]);
    return rows[0] ? toTenant(rows[0]) : null;
  }

  private async replaceHostnames(sql: SqlClient, id: string, hostnames: string[]): Promise<void> {
    try {
      await sql.query('DELETE FROM tenant_hostnames WHERE tenant_id = $1', [id]);
      if (hostnames.length > 0) {
        await sql.query('INSERT INTO tenant_hostnames (hostname, tenant_id) SELECT unnest($1::text[]), $2', [hostnames, id]);
      }
    } catch (error) {
      throw hostnameTaken(error);
    }
  }
}
