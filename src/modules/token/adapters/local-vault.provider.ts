import type { Encryptor } from '../../../infra/crypto/envelope';
import { newId } from '../../../infra/crypto/ids';
import type { SqlClient } from '../../../infra/db/database';
import { cardBrand, type ValidCard } from '../card';
import type { Fingerprinter } from '../fingerprint';
import type { NetworkTokenData, ProviderToken, TokenProvider, TokenType } from '../token-provider';

interface VaultRow {
  id: string;
  type: TokenType;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  fingerprint: string;
}

const toToken = (r: VaultRow): ProviderToken => ({
  providerTokenId: r.id,
  type: r.type,
  brand: r.brand,
  last4: r.last4,
  expMonth: Number(r.exp_month),
  expYear: Number(r.exp_year),
  fingerprint: r.fingerprint,
});

/**
 * The default provider: a vault inside OCP's own database. Sensitive data is one AES-256-GCM
 * envelope per token, bound to the token id (AAD), under the newest key id; only brand, last4,
 * expiry and the HMAC fingerprint are stored readable. The CVC is checked and then dropped: card
 * rules forbid keeping it after authorization, even encrypted.
 */
export class LocalVaultProvider implements TokenProvider {
  readonly name = 'local';

  constructor(
    private readonly db: SqlClient,
    private readonly encryptor: Encryptor,
    private readonly fingerprinter: Fingerprinter,
  ) {}

  async createFromCard(card: ValidCard): Promise<ProviderToken> {
    const secret = { number: card.number, expMonth: card.expMonth, expYear: card.expYear };
    return this.store('card', card.brand, card.number, card.expMonth, card.expYear, secret);
  }

  async createFromNetworkToken(data: NetworkTokenData): Promise<ProviderToken> {
    const dpan = data.dpan.replace(/\D/g, '');
    const secret = { dpan, cryptogram: data.cryptogram, eci: data.eci ?? null, expMonth: data.expMonth, expYear: data.expYear };
    return this.store(data.wallet, cardBrand(dpan), dpan, data.expMonth, data.expYear, secret);
  }

  async retrieve(providerTokenId: string): Promise<ProviderToken | null> {
    const { rows } = await this.db.query<VaultRow>(
      'SELECT id, type, brand, last4, exp_month, exp_year, fingerprint FROM token_vault WHERE id = $1',
      [providerTokenId],
    );
    return rows[0] ? toToken(rows[0]) : null;
  }

  async delete(providerTokenId: string): Promise<void> {
    await this.db.query('DELETE FROM token_vault WHERE id = $1', [providerTokenId]);
  }

  private async store(type: TokenType, brand: string, number: string, expMonth: number, expYear: number, secret: object) {
    const id = newId('vlt');
    const { rows } = await this.db.query<VaultRow>(
      `INSERT INTO token_vault (id, type, brand, last4, exp_month, exp_year, fingerprint, ciphertext)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       RETURNING id, type, brand, last4, exp_month, exp_year, fingerprint`,
      [
        id,
        type,
        brand,
        number.slice(-4),
        expMonth,
        expYear,
        this.fingerprinter.of(number),
        this.encryptor.encrypt(JSON.stringify(secret), id),
      ],
    );
    return toToken(rows[0]!);
  }
}
