import type { SqlClient } from '../../../../infra/db/database';
import type { PaymentDataClaim, PaymentDataClaimRepository } from '../payment-data-claim.repository';

export class SqlPaymentDataClaimRepository implements PaymentDataClaimRepository {
  constructor(private readonly db: SqlClient) {}

  async claim(c: PaymentDataClaim): Promise<boolean> {
    // A unique insert, not a SELECT then INSERT: of two concurrent submissions exactly one gets the row.
    const { rowCount } = await this.db.query(
      `INSERT INTO payment_data_claims (fingerprint, method, payment_session_id, claimed_by)
       VALUES ($1, $2, $3, $4) ON CONFLICT (fingerprint) DO NOTHING`,
      [c.fingerprint, c.method, c.paymentSessionId, c.claimedBy],
    );
    return rowCount > 0;
  }

  async release(fingerprint: string, paymentSessionId: string): Promise<void> {
    await this.db.query('DELETE FROM payment_data_claims WHERE fingerprint = $1 AND payment_session_id = $2', [
      fingerprint,
      paymentSessionId,
    ]);
  }
}
