import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Cursor } from '../../../shared/pagination';
import type { Transaction } from '../../../shared/transaction';
import { groupedStatement } from '../../../infra/db/grouped-statement';
import type { Reason } from '../risk.model';
import type { ClientAddress, Decision, ReviewStatus, RiskRepository, RiskReview, RiskScoreRecord } from '../risk.repository';

// One call, every part on an index newest first and bounded (30 outgoing of 90 days, 30 receipts
// of the day from user wallets, the user's few sign-in addresses), since every movement pays for it
// before it posts: migrations 0286 and 0291 say why it is a function.
// The screens asked at the same time (one per movement in flight) share one statement.
const AGGREGATES = `SELECT k.i::int AS i, a.*
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS k(wallet, counterparty, client_user, address, i)
  CROSS JOIN LATERAL ocp_risk_aggregates(k.wallet, k.counterparty, k.client_user, k.address) a`;

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
  new_ip: number;
}

/** wallet, counterparty ('' for none), the user a person's request acts for, its address (null: unknown). */
type Asked = [string, string, string | null, string | null];

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
  private readonly aggregatesGrouped = groupedStatement((asked: Asked[]) => this.aggregatesOfEach(asked));

  constructor(private readonly db: SqlClient) {}

  async aggregates(walletId: string, counterparty: string | null, client?: ClientAddress) {
    const r = await this.aggregatesGrouped([walletId, counterparty ?? '', client?.userId ?? null, client?.address ?? null]);
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
      newIp: r.new_ip === 1,
    };
  }

  private async aggregatesOfEach(asked: Asked[]): Promise<Array<AggregateRow | undefined>> {
    const { rows } = await this.db.query<AggregateRow & { i: number }>(
      AGGREGATES,
      [0, 1, 2, 3].map((k) => asked.map((a) => a[k])),
    );
    const found = new Array<AggregateRow | undefined>(asked.length).fill(undefined);
    for (const row of rows) found[row.i - 1] = row;
    return found;
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
