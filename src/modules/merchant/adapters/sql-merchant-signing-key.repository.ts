import type { SqlClient } from '../../../infra/db/database';
import type { MerchantSigningKey, MerchantSigningKeyRepository } from '../merchant-signing.repository';

interface KeyRow {
  kid: string;
  merchant_id: string;
  public_jwk: Record<string, unknown>;
  private_key_encrypted: string;
  created_at: Date;
  retired_at: Date | null;
}

const toKey = (r: KeyRow): MerchantSigningKey => ({
  kid: r.kid,
  merchantId: r.merchant_id,
  publicJwk: r.public_jwk,
  privateKeyEncrypted: r.private_key_encrypted,
  createdAt: r.created_at,
  retiredAt: r.retired_at,
});

const KEY = 'kid, merchant_id, public_jwk, private_key_encrypted, created_at, retired_at';

/** The PostgreSQL adapter; PGlite runs the same SQL. */
export class SqlMerchantSigningKeyRepository implements MerchantSigningKeyRepository {
  constructor(private readonly db: SqlClient) {}

  async findActive(merchantId: string): Promise<MerchantSigningKey | null> {
    const { rows } = await this.db.query<KeyRow>(`SELECT ${KEY} FROM merchant_signing_keys WHERE merchant_id = $1 AND retired_at IS NULL`, [
      merchantId,
    ]);
    return rows[0] ? toKey(rows[0]) : null;
  }

  async insertIfNoneActive(k: Omit<MerchantSigningKey, 'createdAt' | 'retiredAt'>): Promise<boolean> {
    // The partial unique index decides between two concurrent first uses; the loser inserts nothing.
    const { rows } = await this.db.query(
      `INSERT INTO merchant_signing_keys (kid, merchant_id, public_jwk, private_key_encrypted) VALUES ($1, $2, $3, $4)
       ON CONFLICT (merchant_id) WHERE retired_at IS NULL DO NOTHING RETURNING kid`,
      [k.kid, k.merchantId, JSON.stringify(k.publicJwk), k.privateKeyEncrypted],
    );
    return rows.length === 1;
  }

  async findActiveByKid(merchantId: string, kid: string): Promise<MerchantSigningKey | null> {
    const { rows } = await this.db.query<KeyRow>(
      `SELECT ${KEY} FROM merchant_signing_keys WHERE kid = $1 AND merchant_id = $2 AND retired_at IS NULL`,
      [kid, merchantId],
    );
    return rows[0] ? toKey(rows[0]) : null;
  }
}
