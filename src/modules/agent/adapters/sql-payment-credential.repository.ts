import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Cursor } from '../../../shared/pagination';
import type { Transaction } from '../../../shared/transaction';
import type { MerchantPayment, PaymentCredential, PaymentCredentialRepository } from '../ucp/payment-credential.repository';

interface CredentialRow {
  id: string;
  token_hash: string;
  agent_id: string;
  owner_id: string;
  merchant_id: string;
  checkout_id: string;
  amount: bigint;
  currency: string;
  mandate: string | null;
  expires_at: Date;
  created_at: Date;
  redeemed_at: Date | null;
  payment_id: string | null;
}

const toCredential = (r: CredentialRow): PaymentCredential => ({
  id: r.id,
  tokenHash: r.token_hash,
  agentId: r.agent_id,
  ownerId: r.owner_id,
  merchantId: r.merchant_id,
  checkoutId: r.checkout_id,
  amount: BigInt(r.amount),
  currency: r.currency,
  mandate: r.mandate,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  redeemedAt: r.redeemed_at,
  paymentId: r.payment_id,
});

interface PaymentRow {
  payment_id: string;
  credential_id: string;
  transfer_id: string;
  agent_id: string;
  merchant_id: string;
  checkout_id: string;
  amount: bigint;
  currency: string;
  status: string;
  created_at: Date;
}

const toMerchantPayment = (r: PaymentRow): MerchantPayment => ({
  id: r.payment_id,
  credentialId: r.credential_id,
  transferId: r.transfer_id,
  agentId: r.agent_id,
  merchantId: r.merchant_id,
  checkoutId: r.checkout_id,
  amount: BigInt(r.amount),
  currency: r.currency,
  status: r.status,
  createdAt: r.created_at,
});

// The credential's redeemed_at is the payment's created_at (the claim writes it), so the list pages
// on the credential table's own index.
const MERCHANT_PAYMENTS = `SELECT c.payment_id, c.id AS credential_id, p.transfer_id, c.agent_id, c.merchant_id, c.checkout_id,
         c.amount, c.currency, p.status, c.redeemed_at AS created_at
    FROM ucp_payment_credentials c JOIN agent_payments p ON p.id = c.payment_id
   WHERE c.merchant_id = $1 AND c.payment_id IS NOT NULL`;

/** The PostgreSQL adapter; PGlite runs the same SQL. */
export class SqlPaymentCredentialRepository implements PaymentCredentialRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(c: Omit<PaymentCredential, 'createdAt' | 'redeemedAt' | 'paymentId'>) {
    const { rows } = await this.db.query<CredentialRow>(
      `INSERT INTO ucp_payment_credentials (id, token_hash, agent_id, owner_id, merchant_id, checkout_id, amount, currency, mandate, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [c.id, c.tokenHash, c.agentId, c.ownerId, c.merchantId, c.checkoutId, c.amount, c.currency, c.mandate, c.expiresAt],
    );
    return toCredential(rows[0]!);
  }

  async findByTokenHash(tokenHash: string) {
    const { rows } = await this.db.query<CredentialRow>('SELECT * FROM ucp_payment_credentials WHERE token_hash = $1', [tokenHash]);
    return rows[0] ? toCredential(rows[0]) : null;
  }

  async claim(tx: Transaction, id: string, paymentId: string, at: Date) {
    const { rows } = await sqlOf(tx).query(
      `UPDATE ucp_payment_credentials SET redeemed_at = $3, payment_id = $2
        WHERE id = $1 AND redeemed_at IS NULL AND expires_at > $3 RETURNING id`,
      [id, paymentId, at],
    );
    return rows.length === 1;
  }

  async listMerchantPayments(merchantId: string, filter: { checkoutId?: string }, limit: number, after?: Cursor) {
    const params: unknown[] = [merchantId, limit + 1];
    let where = '';
    if (filter.checkoutId !== undefined) where += ` AND c.checkout_id = $${params.push(filter.checkoutId)}`;
    if (after) where += ` AND (c.redeemed_at, c.payment_id) < ($${params.push(after.createdAt)}, $${params.push(after.id)})`;
    const { rows } = await this.db.query<PaymentRow>(
      `${MERCHANT_PAYMENTS}${where} ORDER BY c.redeemed_at DESC, c.payment_id DESC LIMIT $2`,
      params,
    );
    return rows.map(toMerchantPayment);
  }

  async findMerchantPayment(merchantId: string, paymentId: string) {
    const { rows } = await this.db.query<PaymentRow>(`${MERCHANT_PAYMENTS} AND c.payment_id = $2`, [merchantId, paymentId]);
    return rows[0] ? toMerchantPayment(rows[0]) : null;
  }
}
