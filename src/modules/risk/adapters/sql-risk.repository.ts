import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Cursor } from '../../../shared/pagination';
import type { Transaction } from '../../../shared/transaction';
import type { Reason } from '../risk.model';
import type { Decision, ReviewStatus, RiskRepository, RiskReview, RiskScoreRecord } from '../risk.repository';

// One statement, every part on an index and bounded, since every movement pays for it before it
// posts: the source's outgoing transfers (transfers_from_created_idx, the newest 100 of 90 days),
// what it received from user wallets in a day (transfers_to_created_idx, the newest 100), its failed
// card charges (card_charges_failed_idx) and the wallet with its owner (primary keys). With 500 and
// an unbounded day of receipts, a busy wallet's screen read thousands of rows: PostgreSQL's CPU per
// transfer tripled in npm run bench.
const AGGREGATES = `
  WITH past AS (
    SELECT amount, to_wallet_id, created_at FROM transfers
     WHERE from_wallet_id = $1 AND created_at > now() - interval '90 days'
     ORDER BY created_at DESC LIMIT 100),
  received AS (
    SELECT t.amount, t.from_wallet_id FROM transfers t
     WHERE t.to_wallet_id = $1 AND t.created_at > now() - interval '1 day'
     ORDER BY t.created_at DESC LIMIT 100)
  SELECT w.balance,
         (SELECT count(*) FROM past)::int AS past_count,
         (SELECT coalesce(sum(amount), 0) FROM past)::bigint AS past_total,
         (SELECT count(*) FROM past WHERE created_at > now() - interval '1 hour')::int AS hour_count,
         (SELECT coalesce(sum(amount), 0) FROM past WHERE created_at > now() - interval '1 hour')::bigint AS hour_total,
         (SELECT count(*) FROM past WHERE created_at > now() - interval '1 day')::int AS day_count,
         (SELECT count(*) FROM past WHERE to_wallet_id = $2)::int AS to_counterparty_count,
         (SELECT coalesce(sum(r.amount), 0) FROM received r JOIN wallets s ON s.id = r.from_wallet_id
           WHERE s.user_id IS NOT NULL)::bigint AS received_day,
         (SELECT count(*) FROM card_charges c
           WHERE c.wallet_id = $1 AND c.status = 'failed' AND c.created_at > now() - interval '1 day')::int AS failed_day,
         extract(epoch FROM now() - coalesce(u.created_at, w.created_at))::float8 AS age_seconds
    FROM wallets w LEFT JOIN users u ON u.id = w.user_id
   WHERE w.id = $1`;

interface AggregateRow {
  balance: bigint;
  past_count: number;
  past_total: bigint;
  hour_count: number;
  hour_total: bigint;
  day_count: number;
  to_counterparty_count: number;
  received_day: bigint;
  failed_day: number;
  age_seconds: number;
}

interface ScoreRow {
  id: string;
  kind: string;
  movement_id: string | null;
  wallet_id: string;
  counterparty: string | null;
  amount: bigint;
  currency: string;
  score: number;
  decision: Decision;
  reasons: Reason[];
  model_version: string;
  initiated_by: string;
  created_at: Date;
}

export class SqlRiskRepository implements RiskRepository {
  constructor(private readonly db: SqlClient) {}

  async aggregates(walletId: string, counterparty: string | null) {
    const { rows } = await this.db.query<AggregateRow>(AGGREGATES, [walletId, counterparty ?? '']);
    const r = rows[0];
    if (!r) return undefined;
    return {
      balance: BigInt(r.balance),
      pastCount: r.past_count,
      pastTotal: BigInt(r.past_total),
      hourCount: r.hour_count,
      hourTotal: BigInt(r.hour_total),
      dayCount: r.day_count,
      toCounterpartyCount: r.to_counterparty_count,
      receivedDayFromUsers: BigInt(r.received_day),
      failedDay: r.failed_day,
      ageSeconds: Number(r.age_seconds),
    };
  }

  async save(s: RiskScoreRecord, tx?: Transaction): Promise<void> {
    await sqlOf(tx, this.db).query(
      `INSERT INTO risk_scores (id, kind, movement_id, wallet_id, counterparty, amount, currency, score, decision, reasons,
                                model_version, initiated_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        s.id,
        s.kind,
        s.movementId,
        s.walletId,
        s.counterparty,
        s.amount,
        s.currency,
        s.score,
        s.decision,
        JSON.stringify(s.reasons),
        s.modelVersion,
        s.initiatedBy,
        s.createdAt,
      ],
    );
  }

  async insertReview(tx: Transaction, r: Pick<RiskReview, 'id' | 'scoreId' | 'holdId' | 'walletId'>): Promise<void> {
    await sqlOf(tx).query('INSERT INTO risk_reviews (id, score_id, hold_id, wallet_id) VALUES ($1, $2, $3, $4)', [
      r.id,
      r.scoreId,
      r.holdId,
      r.walletId,
    ]);
  }

  async pendingReviewOfHold(holdId: string): Promise<RiskReview | undefined> {
    const { rows } = await this.db.query<{ id: string }>("SELECT id FROM risk_reviews WHERE hold_id = $1 AND status = 'pending'", [holdId]);
    return rows[0] ? this.findReview(rows[0].id) : undefined;
  }

  async findReview(id: string): Promise<RiskReview | undefined> {
    const { rows } = await this.db.query<{
      id: string;
      score_id: string;
      hold_id: string;
      wallet_id: string;
      status: ReviewStatus;
      transfer_id: string | null;
      decided_by: string | null;
      decided_at: Date | null;
      created_at: Date;
    }>('SELECT * FROM risk_reviews WHERE id = $1', [id]);
    const r = rows[0];
    return r
      ? {
          id: r.id,
          scoreId: r.score_id,
          holdId: r.hold_id,
          walletId: r.wallet_id,
          status: r.status,
          transferId: r.transfer_id,
          decidedBy: r.decided_by,
          decidedAt: r.decided_at,
          createdAt: r.created_at,
        }
      : undefined;
  }

  async decideReview(
    tx: Transaction,
    id: string,
    status: Exclude<ReviewStatus, 'pending'>,
    by: string,
    transferId: string | null,
  ): Promise<boolean> {
    const { rows } = await sqlOf(tx).query(
      `UPDATE risk_reviews SET status = $2, decided_by = $3, transfer_id = $4, decided_at = now()
        WHERE id = $1 AND status = 'pending' RETURNING id`,
      [id, status, by, transferId],
    );
    return rows.length === 1;
  }

  async list(walletId: string | undefined, limit: number, after?: Cursor): Promise<RiskScoreRecord[]> {
    const params: unknown[] = [limit + 1];
    const where: string[] = [];
    if (walletId) where.push(`wallet_id = $${params.push(walletId)}`);
    if (after) where.push(`(created_at, id) < ($${params.push(after.createdAt)}, $${params.push(after.id)})`);
    const { rows } = await this.db.query<ScoreRow>(
      `SELECT * FROM risk_scores ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id DESC LIMIT $1`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      movementId: r.movement_id,
      walletId: r.wallet_id,
      counterparty: r.counterparty,
      amount: BigInt(r.amount),
      currency: r.currency.trim(),
      score: Number(r.score),
      decision: r.decision,
      reasons: r.reasons,
      modelVersion: r.model_version,
      initiatedBy: r.initiated_by,
      createdAt: r.created_at,
    }));
  }
}
