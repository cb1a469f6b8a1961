import type { SqlClient } from '../../../infra/db/database';
import type { PaymentToken, TokenRepository } from '../token.repository';
import type { TokenType } from '../token-provider';

interface TokenRow {
  id: string;
  owner_id: string;
  provider: string;
  provider_token_id: string;
  type: TokenType;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  fingerprint: string | null;
  created_at: Date;
}

const COLUMNS = 'id, owner_id, provider, provider_token_id, type, brand, last4, exp_month, exp_year, fingerprint, created_at';

const toToken = (r: TokenRow): PaymentToken => ({
  id: r.id,
  ownerId: r.owner_id,
  provider: r.provider,
  providerTokenId: r.provider_token_id,
  type: r.type,
  brand: r.brand,
  last4: r.last4,
  expMonth: Number(r.exp_month),
  expYear: Number(r.exp_year),
  fingerprint: r.fingerprint,
  createdAt: r.created_at,
});

export class SqlTokenRepository implements TokenRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(t: Omit<PaymentToken, 'createdAt'>): Promise<PaymentToken> {
    const { rows } = await this.db.query<TokenRow>(
      `INSERT INTO payment_tokens (id, owner_id, provider, provider_token_id, type, brand, last4, exp_month, exp_year, fingerprint)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
      [t.id, t.ownerId, t.provider, t.providerTokenId, t.type, t.brand, t.last4, t.expMonth, t.expYear, t.fingerprint],
    );
    return toToken(rows[0]!);
  }

  async findById(id: string): Promise<PaymentToken | null> {
    const { rows } = await this.db.query<TokenRow>(`SELECT ${COLUMNS} FROM payment_tokens WHERE id = $1`, [id]);
    return rows[0] ? toToken(rows[0]) : null;
  }

  async deleteOwned(ownerId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM payment_tokens WHERE id = $1 AND owner_id = $2', [id, ownerId]);
    return rowCount > 0;
  }
}
