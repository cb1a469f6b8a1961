import { sqlOf, type SqlClient } from '../../../../infra/db/database';
import type { Transaction } from '../../../../shared/transaction';
import type { Cursor } from '../../../../shared/pagination';
import type {
  BankAccountDestination,
  DailyTotalKey,
  DestinationType,
  NewPayout,
  Payout,
  PayoutRepository,
  PayoutStatus,
} from '../payout.repository';

interface PayoutRow {
  id: string;
  user_id: string;
  wallet_id: string;
  amount: bigint;
  currency: string;
  destination_type: DestinationType;
  destination_id: string;
  destination_last4: string;
  processor: string;
  status: PayoutStatus;
  processor_payout_id: string | null;
  failure_code: string | null;
  debit_transfer_id: string;
  settle_transfer_id: string | null;
  reversal_transfer_id: string | null;
  limit_day: string;
  attempts: number;
  last_error: string | null;
  paid_at: Date | null;
  created_at: Date;
  updated_at: Date;
  tenant_id: string;
}

interface DestinationRow {
  id: string;
  owner_id: string;
  processor: string;
  processor_destination_id: string;
  last4: string;
  country: string;
  currency: string;
  bank_name: string | null;
  created_at: Date;
}

const COLUMN_NAMES = `id, user_id, wallet_id, amount, currency, destination_type, destination_id, destination_last4, processor,
  status, processor_payout_id, failure_code, debit_transfer_id, settle_transfer_id, reversal_transfer_id, limit_day,
  attempts, last_error, paid_at, created_at, updated_at, tenant_id`;
// DATE as text: drivers would turn it into a local-time Date.
const columns = (alias: string) =>
  COLUMN_NAMES.split(',')
    .map((c) => c.trim())
    .map((c) => (c === 'limit_day' ? `${alias}limit_day::text AS limit_day` : `${alias}${c}`))
    .join(', ');
const COLUMNS = columns('');
const P_COLUMNS = columns('p.');
const LAST_ERROR_CHARS_MAX = 500;

const toPayout = (r: PayoutRow): Payout => ({
  id: r.id,
  userId: r.user_id,
  walletId: r.wallet_id,
  amount: BigInt(r.amount),
  currency: r.currency,
  destination: { type: r.destination_type, id: r.destination_id, last4: r.destination_last4 },
  processor: r.processor,
  status: r.status,
  processorPayoutId: r.processor_payout_id,
  failureCode: r.failure_code,
  debitTransferId: r.debit_transfer_id,
  settleTransferId: r.settle_transfer_id,
  reversalTransferId: r.reversal_transfer_id,
  limitDay: r.limit_day,
  attempts: r.attempts,
  lastError: r.last_error,
  paidAt: r.paid_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  tenantId: r.tenant_id,
});

const toDestination = (r: DestinationRow): BankAccountDestination => ({
  id: r.id,
  ownerId: r.owner_id,
  type: 'bank_account',
  processor: r.processor,
  processorDestinationId: r.processor_destination_id,
  last4: r.last4,
  country: r.country,
  currency: r.currency,
  bankName: r.bank_name,
  createdAt: r.created_at,
});

export class SqlPayoutRepository implements PayoutRepository {
  constructor(private readonly db: SqlClient) {}

  async reserveDailyTotal(tx: Transaction, key: DailyTotalKey, amount: bigint, limit: bigint): Promise<bigint | null> {
    // One statement: the upsert locks the counter row, so a concurrent payout waits here and then
    // sees this one's total; the WHERE refuses an increase past the limit (no row returned).
    if (amount > limit) return null;
    const { rows } = await sqlOf(tx).query<{ total: bigint }>(
      `INSERT INTO payout_daily_totals AS d (user_id, currency, day, total) VALUES ($1, $2, $3::date, $4)
       ON CONFLICT (user_id, currency, day) DO UPDATE SET total = d.total + EXCLUDED.total
        WHERE d.total + EXCLUDED.total <= $5
       RETURNING total`,
      [key.userId, key.currency, key.day, amount, limit],
    );
    return rows[0] ? BigInt(rows[0].total) : null;
  }

  async releaseDailyTotal(tx: Transaction, key: DailyTotalKey, amount: bigint): Promise<void> {
    await sqlOf(tx).query(
      `UPDATE payout_daily_totals SET total = GREATEST(total - $4, 0) WHERE user_id = $1 AND currency = $2 AND day = $3::date`,
      [key.userId, key.currency, key.day, amount],
    );
  }

  async insert(tx: Transaction, p: NewPayout): Promise<Payout> {
    const { rows } = await sqlOf(tx).query<PayoutRow>(
      `INSERT INTO payouts (id, user_id, wallet_id, amount, currency, destination_type, destination_id, destination_last4,
                            processor, debit_transfer_id, limit_day)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::date)
       RETURNING ${COLUMNS}`,
      [
        p.id,
        p.userId,
        p.walletId,
        p.amount,
        p.currency,
        p.destination.type,
        p.destination.id,
        p.destination.last4,
        p.processor,
        p.debitTransferId,
        p.limitDay,
      ],
    );
    return toPayout(rows[0]!);
  }

  async findById(id: string): Promise<Payout | null> {
    const { rows } = await this.db.query<PayoutRow>(`SELECT ${COLUMNS} FROM payouts WHERE id = $1`, [id]);
    return rows[0] ? toPayout(rows[0]) : null;
  }

  async findByProcessorPayoutId(processor: string, processorPayoutId: string): Promise<Payout | null> {
    const { rows } = await this.db.query<PayoutRow>(`SELECT ${COLUMNS} FROM payouts WHERE processor_payout_id = $1 AND processor = $2`, [
      processorPayoutId,
      processor,
    ]);
    return rows[0] ? toPayout(rows[0]) : null;
  }

  async findByProcessorPayoutIds(processor: string, processorPayoutIds: readonly string[]): Promise<Payout[]> {
    const { rows } = await this.db.query<PayoutRow>(
      `SELECT ${COLUMNS} FROM payouts WHERE processor = $1 AND processor_payout_id = ANY($2::text[])`,
      [processor, processorPayoutIds],
    );
    return rows.map(toPayout);
  }

  async listPaidBetween(processor: string, from: Date, to: Date, limit: number, after?: { paidAt: Date; id: string }): Promise<Payout[]> {
    const { rows } = await this.db.query<PayoutRow>(
      `SELECT ${COLUMNS} FROM payouts
        WHERE processor = $1 AND paid_at >= $2 AND paid_at <= $3
          AND ($5::timestamptz IS NULL OR (paid_at, id) > ($5::timestamptz, $6::text))
        ORDER BY paid_at, id
        LIMIT $4`,
      [processor, from, to, limit, after?.paidAt ?? null, after?.id ?? null],
    );
    return rows.map(toPayout);
  }

  async listByWallet(walletId: string, limit: number, after?: Cursor): Promise<Payout[]> {
    const { rows } = await this.db.query<PayoutRow>(
      `SELECT ${COLUMNS} FROM payouts
        WHERE wallet_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
        ORDER BY created_at DESC, id DESC
        LIMIT $4`,
      [walletId, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows.map(toPayout);
  }

  markPaid(tx: Transaction, id: string, processorPayoutId: string): Promise<boolean> {
    return this.move(
      tx,
      id,
      'pending',
      `status = 'paid', processor_payout_id = $3, paid_at = now(), attempts = 0, next_attempt_at = now(), last_error = NULL`,
      processorPayoutId,
    );
  }

  markFailed(tx: Transaction, id: string, failureCode: string): Promise<boolean> {
    return this.move(tx, id, 'pending', `status = 'failed', failure_code = $3, next_attempt_at = NULL`, failureCode);
  }

  markReturned(tx: Transaction, id: string, failureCode: string): Promise<boolean> {
    return this.move(tx, id, 'paid', `status = 'returned', failure_code = $3, next_attempt_at = NULL`, failureCode);
  }

  /** The conditional UPDATE every state change is: from `from` only, so a second report changes nothing. */
  private async move(tx: Transaction, id: string, from: PayoutStatus, set: string, value: string): Promise<boolean> {
    const { rows } = await sqlOf(tx).query<{ id: string }>(
      `UPDATE payouts SET ${set}, updated_at = now() WHERE id = $1 AND status = $2 RETURNING id`,
      [id, from, value],
    );
    return rows.length === 1;
  }

  async recordTransfer(tx: Transaction, id: string, kind: 'settle' | 'reversal', transferId: string): Promise<void> {
    const column = kind === 'settle' ? 'settle_transfer_id' : 'reversal_transfer_id';
    await sqlOf(tx).query(`UPDATE payouts SET ${column} = $2 WHERE id = $1`, [id, transferId]);
  }

  async claim(id: string, status: 'pending' | 'paid', leaseMs: number): Promise<Payout | null> {
    const { rows } = await this.db.query<PayoutRow>(
      `UPDATE payouts
          SET attempts = attempts + 1, next_attempt_at = now() + $3 * interval '1 millisecond', updated_at = now()
        WHERE id = $1 AND status = $2 AND next_attempt_at <= now()
       RETURNING ${COLUMNS}`,
      [id, status, leaseMs],
    );
    return rows[0] ? toPayout(rows[0]) : null;
  }

  async claimDue(status: 'pending' | 'paid', limit: number, leaseMs: number): Promise<Payout[]> {
    // SKIP LOCKED: concurrent workers take different rows; the lease is committed at once, so no
    // lock is held while the processor is asked.
    const { rows } = await this.db.query<PayoutRow>(
      `WITH due AS (
         SELECT id FROM payouts
          WHERE status = $1 AND next_attempt_at <= now()
          ORDER BY next_attempt_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED
       )
       UPDATE payouts p
          SET attempts = p.attempts + 1, next_attempt_at = now() + $3 * interval '1 millisecond', updated_at = now()
         FROM due
        WHERE p.id = due.id
       RETURNING ${P_COLUMNS}`,
      [status, limit, leaseMs],
    );
    return rows.map(toPayout);
  }

  async scheduleNext(p: Payout, delayMs: number, error: string | null): Promise<void> {
    await this.db.query(
      `UPDATE payouts SET next_attempt_at = now() + $4 * interval '1 millisecond', last_error = $5, updated_at = now()
        WHERE id = $1 AND attempts = $2 AND status = $3`,
      [p.id, p.attempts, p.status, delayMs, error?.slice(0, LAST_ERROR_CHARS_MAX) ?? null],
    );
  }

  async stopAttempts(p: Payout, error: string | null): Promise<void> {
    await this.db.query(
      `UPDATE payouts SET next_attempt_at = NULL, last_error = COALESCE($4, last_error), updated_at = now()
        WHERE id = $1 AND attempts = $2 AND status = $3`,
      [p.id, p.attempts, p.status, error?.slice(0, LAST_ERROR_CHARS_MAX) ?? null],
    );
  }

  async insertDestination(d: Omit<BankAccountDestination, 'createdAt'>): Promise<BankAccountDestination> {
    const { rows } = await this.db.query<DestinationRow>(
      `INSERT INTO payout_destinations (id, owner_id, type, processor, processor_destination_id, last4, country, currency, bank_name)
       VALUES ($1, $2, 'bank_account', $3, $4, $5, $6, $7, $8)
       RETURNING id, owner_id, processor, processor_destination_id, last4, country, currency, bank_name, created_at`,
      [d.id, d.ownerId, d.processor, d.processorDestinationId, d.last4, d.country, d.currency, d.bankName],
    );
    return toDestination(rows[0]!);
  }

  async findDestination(ownerIds: readonly string[], id: string): Promise<BankAccountDestination | null> {
    const found = await this.findDestinationById(id);
    return found && ownerIds.includes(found.ownerId) ? found : null;
  }

  async findDestinationById(id: string): Promise<BankAccountDestination | null> {
    const { rows } = await this.db.query<DestinationRow>(
      `SELECT id, owner_id, processor, processor_destination_id, last4, country, currency, bank_name, created_at
         FROM payout_destinations WHERE id = $1`,
      [id],
    );
    return rows[0] ? toDestination(rows[0]) : null;
  }
}
