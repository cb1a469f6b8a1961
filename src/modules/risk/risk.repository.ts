import type { Cursor } from '../../shared/pagination';
import type { Transaction } from '../../shared/transaction';
import type { RawAggregates } from './risk.features';
import type { Reason } from './risk.model';

export type Decision = 'allow' | 'review' | 'refuse';

/** One scored movement, as stored and shown to operators. */
export interface RiskScoreRecord {
  id: string;
  kind: string;
  /** The posted transfer (the first leg's, for a multi-leg transaction); null when refused. */
  movementId: string | null;
  walletId: string;
  counterparty: string | null;
  amount: bigint;
  currency: string;
  score: number;
  decision: Decision;
  reasons: Reason[];
  modelVersion: string;
  initiatedBy: string;
  createdAt: Date;
}

export type ReviewStatus = 'pending' | 'approved' | 'rejected';

export interface RiskReview {
  id: string;
  scoreId: string;
  holdId: string;
  walletId: string;
  status: ReviewStatus;
  transferId: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  createdAt: Date;
}

/** The person a request acts for, and the address it came from (Express's req.ip; undefined: unknown, never new). */
export interface ClientAddress {
  userId: string;
  readonly address: string | undefined;
}

/** What the risk service needs from storage. Errors: only the database's. */
export interface RiskRepository {
  /**
   * The movement's context from the records, in one indexed query. Undefined if the wallet is unknown.
   * `client`: the person's request that makes it, for `newIp` (false without it).
   */
  aggregates(
    walletId: string,
    counterparty: string | null,
    client?: ClientAddress,
  ): Promise<Omit<RawAggregates, 'amount' | 'agent' | 'hasCounterparty' | 'inbound'> | undefined>;
  /** Stores a score (in `tx` when given: the posting's transaction). */
  save(record: RiskScoreRecord, tx?: Transaction): Promise<void>;
  insertReview(tx: Transaction, review: Pick<RiskReview, 'id' | 'scoreId' | 'holdId' | 'walletId'>): Promise<void>;
  findReview(id: string): Promise<RiskReview | undefined>;
  /** The review still pending on this hold, if any. */
  pendingReviewOfHold(holdId: string): Promise<RiskReview | undefined>;
  /** Pending → `status`, only if still pending (false: another decision won). */
  decideReview(
    tx: Transaction,
    id: string,
    status: Exclude<ReviewStatus, 'pending'>,
    by: string,
    transferId: string | null,
  ): Promise<boolean>;
  /** Scores newest first, of one wallet or of all. */
  list(walletId: string | undefined, limit: number, after?: Cursor): Promise<RiskScoreRecord[]>;
}
