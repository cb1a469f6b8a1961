import { sqlOf, type Database } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';
import type { AgentCredentialStore } from '../../auth';
import type { Agent, AgentChanges, AgentRepository, AgentStatus, NewAgent } from '../agent.repository';
import { loadPolicy, storePolicy, type StoredPolicy } from '../policy';

interface AgentRow {
  id: string;
  owner_id: string;
  name: string;
  description: string | null;
  wallet_id: string;
  client_id: string;
  status: AgentStatus;
  policy_version: number;
  rules: StoredPolicy;
  created_at: Date;
  updated_at: Date;
}

const toAgent = (r: AgentRow): Agent => ({
  id: r.id,
  ownerId: r.owner_id,
  name: r.name,
  description: r.description,
  walletId: r.wallet_id,
  clientId: r.client_id,
  status: r.status,
  policyVersion: r.policy_version,
  policy: loadPolicy(r.rules),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const SELECT = `SELECT a.id, a.owner_id, a.name, a.description, a.wallet_id, a.client_id, a.status, a.policy_version,
                       p.rules, a.created_at, a.updated_at
                  FROM agents a JOIN agent_policies p ON p.agent_id = a.id AND p.version = a.policy_version`;

/** The PostgreSQL adapter (PGlite runs the same SQL); also the credential store the auth module asks. */
export class SqlAgentRepository implements AgentRepository, AgentCredentialStore {
  constructor(private readonly db: Database) {}

  async insert(a: NewAgent): Promise<Agent> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO agents (id, owner_id, name, description, wallet_id, client_id, secret_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [a.id, a.ownerId, a.name, a.description, a.walletId, a.clientId, a.secretHash],
      );
      await tx.query('INSERT INTO agent_policies (agent_id, version, rules, created_by) VALUES ($1, 1, $2, $3)', [
        a.id,
        JSON.stringify(storePolicy(a.policy)),
        a.ownerId,
      ]);
    });
    return (await this.findById(a.id))!;
  }

  async tenantOf(id: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ tenant_id: string }>('SELECT tenant_id FROM agents WHERE id = $1', [id]);
    return rows[0]?.tenant_id;
  }

  async findById(id: string, tx?: Transaction): Promise<Agent | null> {
    const { rows } = await sqlOf(tx, this.db).query<AgentRow>(`${SELECT} WHERE a.id = $1`, [id]);
    return rows[0] ? toAgent(rows[0]) : null;
  }

  async listByOwner(ownerId: string, limit: number, after?: Cursor): Promise<Agent[]> {
    const { rows } = after
      ? await this.db.query<AgentRow>(
          `${SELECT} WHERE a.owner_id = $1 AND (a.created_at, a.id) < ($2, $3)
           ORDER BY a.created_at DESC, a.id DESC LIMIT $4`,
          [ownerId, after.createdAt, after.id, limit + 1],
        )
      : await this.db.query<AgentRow>(`${SELECT} WHERE a.owner_id = $1 ORDER BY a.created_at DESC, a.id DESC LIMIT $2`, [
          ownerId,
          limit + 1,
        ]);
    return rows.map(toAgent);
  }

  async update(id: string, changes: AgentChanges, changedBy: string): Promise<Agent | null> {
    const changed = await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ policy_version: number }>(
        `UPDATE agents SET name = COALESCE($2, name),
                description = CASE WHEN $3::boolean THEN $4 ELSE description END,
                status = COALESCE($5, status),
                policy_version = policy_version + CASE WHEN $6::boolean THEN 1 ELSE 0 END,
                updated_at = now()
          WHERE id = $1 AND status <> 'revoked' RETURNING policy_version`,
        [
          id,
          changes.name ?? null,
          changes.description !== undefined,
          changes.description ?? null,
          changes.status ?? null,
          changes.policy !== undefined,
        ],
      );
      const row = rows[0];
      if (!row) return false;
      if (changes.policy) {
        await tx.query('INSERT INTO agent_policies (agent_id, version, rules, created_by) VALUES ($1, $2, $3, $4)', [
          id,
          row.policy_version,
          JSON.stringify(storePolicy(changes.policy)),
          changedBy,
        ]);
      }
      return true;
    });
    return changed ? this.findById(id) : null;
  }

  async findByClientId(clientId: string) {
    const { rows } = await this.db.query<{
      id: string;
      owner_id: string;
      secret_hash: string;
      status: AgentStatus;
      credentials_version: number;
      tenant_id: string;
    }>('SELECT id, owner_id, secret_hash, status, credentials_version, tenant_id FROM agents WHERE client_id = $1', [clientId]);
    const row = rows[0];
    if (!row) return null;
    return {
      agentId: row.id,
      ownerId: row.owner_id,
      secretHash: row.secret_hash,
      active: row.status === 'active',
      credentialsVersion: row.credentials_version,
      tenantId: row.tenant_id,
    };
  }

  async tokenState(agentId: string) {
    const { rows } = await this.db.query<{ status: AgentStatus; credentials_version: number }>(
      'SELECT status, credentials_version FROM agents WHERE id = $1',
      [agentId],
    );
    const row = rows[0];
    return row ? { active: row.status === 'active', credentialsVersion: row.credentials_version } : null;
  }

  async replaceSecret(id: string, secretHash: string): Promise<Agent | null> {
    const { rowCount } = await this.db.query(
      `UPDATE agents SET secret_hash = $2, credentials_version = credentials_version + 1, updated_at = now()
        WHERE id = $1 AND status <> 'revoked'`,
      [id, secretHash],
    );
    return rowCount > 0 ? this.findById(id) : null;
  }
}
