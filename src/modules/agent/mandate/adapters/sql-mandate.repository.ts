import { sqlOf, type SqlClient } from '../../../../infra/db/database';
import type { Transaction } from '../../../../shared/transaction';
import type { MandateKey, MandateRepository } from '../mandate.repository';

interface KeyRow {
  kid: string;
  owner_id: string;
  kind: 'owner' | 'ocp';
  public_jwk: Record<string, unknown>;
  private_key_encrypted: string | null;
  created_at: Date;
}

const toKey = (r: KeyRow): MandateKey => ({
  kid: r.kid,
  ownerId: r.owner_id,
  kind: r.kind,
  publicJwk: r.public_jwk,
  privateKeyEncrypted: r.private_key_encrypted,
  createdAt: r.created_at,
});

/** The PostgreSQL adapter; PGlite runs the same SQL. */
export class SqlMandateRepository implements MandateRepository {
  constructor(private readonly db: SqlClient) {}

  async insertKey(k: Omit<MandateKey, 'createdAt'>): Promise<MandateKey> {
    const { rows } = await this.db.query<KeyRow>(
      `INSERT INTO mandate_keys (kid, owner_id, kind, public_jwk, private_key_encrypted) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [k.kid, k.ownerId, k.kind, JSON.stringify(k.publicJwk), k.privateKeyEncrypted],
    );
    return toKey(rows[0]!);
  }

  async findKey(kid: string, tx?: Transaction): Promise<MandateKey | null> {
    const { rows } = await sqlOf(tx, this.db).query<KeyRow>('SELECT * FROM mandate_keys WHERE kid = $1', [kid]);
    return rows[0] ? toKey(rows[0]) : null;
  }

  async findOcpKey(ownerId: string): Promise<MandateKey | null> {
    const { rows } = await this.db.query<KeyRow>(
      "SELECT * FROM mandate_keys WHERE owner_id = $1 AND kind = 'ocp' ORDER BY created_at LIMIT 1",
      [ownerId],
    );
    return rows[0] ? toKey(rows[0]) : null;
  }

  async lockUsage(tx: Transaction, u: { mandateHash: string; mandateId: string; ownerId: string; agentId: string }): Promise<bigint> {
    await sqlOf(tx).query(
      `INSERT INTO mandate_usage (mandate_hash, mandate_id, owner_id, agent_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [u.mandateHash, u.mandateId, u.ownerId, u.agentId],
    );
    const { rows } = await sqlOf(tx).query<{ spent: bigint }>('SELECT spent FROM mandate_usage WHERE mandate_hash = $1 FOR UPDATE', [
      u.mandateHash,
    ]);
    return BigInt(rows[0]!.spent);
  }

  async addUsage(tx: Transaction, mandateHash: string, amount: bigint): Promise<void> {
    await sqlOf(tx).query('UPDATE mandate_usage SET spent = spent + $2, uses = uses + 1 WHERE mandate_hash = $1', [mandateHash, amount]);
  }

  async releaseUsage(tx: Transaction, mandateHash: string, amount: bigint): Promise<void> {
    await sqlOf(tx).query(
      'UPDATE mandate_usage SET spent = GREATEST(spent - $2, 0), uses = GREATEST(uses - 1, 0) WHERE mandate_hash = $1',
      [mandateHash, amount],
    );
  }
}
