import { newId } from '../../../infra/crypto/ids';
import { Conflict, NotFound } from '../../../shared/errors';
import { toPage, type Cursor, type Page } from '../../../shared/pagination';
import type { InTransaction, LedgerService, PostedTransfer } from '../../ledger';
import type { AdminContext } from '../audit/audit.repository';
import type { AuditTrail } from '../audit/audit-trail';
import { fourEyesRequired, type FourEyesLimits, type FourEyesLimitsOf, type OperatorDayTotals } from '../four-eyes';
import type { AdjustmentRequest, AdjustmentRequestRepository, AdjustmentRequestStatus } from './adjustment-request.repository';

export interface ApprovedAdjustment {
  request: AdjustmentRequest;
  adjustment: PostedTransfer;
}

const abs = (amount: bigint) => (amount < 0n ? -amount : amount);

/**
 * Operator credits and debits of a wallet, audited in the posting's own transaction. Four-eyes:
 * an operator adjusts on their own up to the threshold per adjustment and the daily limit over
 * their day (credits and debits both count, by size); beyond that they open a request that another
 * operator approves, so a large adjustment cannot be split into small ones by one person.
 */
export class AdjustmentService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly audit: AuditTrail,
    private readonly requests: AdjustmentRequestRepository,
    private readonly dayTotals: OperatorDayTotals,
    /** The tenant's limits, read once per decision. */
    private readonly fourEyes: FourEyesLimitsOf,
  ) {}

  /**
   * Errors: four_eyes_required (403), the ledger's wallet_not_found (404), wallet_not_active (409),
   * insufficient_funds (422).
   */
  async adjust(ctx: AdminContext, walletId: string, amount: bigint, reason: string, inTx?: InTransaction<PostedTransfer>) {
    const entry = { action: 'wallet.adjust', targetType: 'wallet', targetId: walletId, reason };
    return this.audit.recordingRefusals(ctx, entry, async () => {
      const limits = await this.fourEyes();
      if (abs(amount) > limits.thresholdMinor) throw this.fourEyesRequired('amount', limits);
      return this.ledger.adjust(ctx.actorId, walletId, amount, reason, {
        // The day's count is taken in the posting's transaction: a refusal rolls it back.
        guard: async (tx) => {
          if ((await this.dayTotals.add(tx, ctx.actorId, 'adjustment', abs(amount))) > limits.dailyLimitMinor) {
            throw this.fourEyesRequired('daily_total', limits);
          }
        },
        inTx: async (tx, posted) => {
          await this.audit.append(tx, ctx, { ...entry, ...this.balances(walletId, amount, posted) });
          await inTx?.(tx, posted);
        },
      });
    });
  }

  /** An adjustment for another operator to approve. Errors: wallet_not_found (404). */
  async request(ctx: AdminContext, walletId: string, amount: bigint, reason: string): Promise<AdjustmentRequest> {
    const entry = { action: 'adjustment_request.create', targetType: 'wallet', targetId: walletId, reason };
    return this.audit.run(ctx, entry, async (tx) => {
      const created = await this.requests.insert(tx, { id: newId('adr'), walletId, amount, reason, requestedBy: ctx.actorId });
      if (!created) throw new NotFound('Wallet not found', 'wallet_not_found');
      return { result: created, after: { adjustmentRequestId: created.id, amount: created.amount, status: created.status } };
    });
  }

  async list(status: AdjustmentRequestStatus | undefined, limit: number, after?: Cursor): Promise<Page<AdjustmentRequest>> {
    return toPage(await this.requests.list(status, limit, after), limit);
  }

  /**
   * Posts a pending request's adjustment, once however many approvals race.
   * Errors: adjustment_request_not_found (404), adjustment_request_not_pending (409),
   * four_eyes_required (403, the requester), and the ledger's as for adjust.
   */
  async approve(ctx: AdminContext, id: string, inTx?: InTransaction<ApprovedAdjustment>): Promise<ApprovedAdjustment> {
    const entry = { action: 'adjustment_request.approve', targetType: 'adjustment_request', targetId: id };
    return this.audit.recordingRefusals(ctx, entry, async () => {
      const request = await this.find(id);
      if (request.status !== 'pending') throw notPending(request.status);
      if (request.requestedBy === ctx.actorId) throw this.fourEyesRequired('requester', await this.fourEyes());
      let decided: AdjustmentRequest | undefined;
      const adjustment = await this.ledger.adjust(ctx.actorId, request.walletId, request.amount, request.reason, {
        guard: async (tx) => {
          if (!(await this.requests.lockPending(tx, id))) throw notPending('decided');
        },
        inTx: async (tx, posted) => {
          decided = await this.requests.decide(tx, id, {
            status: 'approved',
            decidedBy: ctx.actorId,
            adjustmentTransferId: posted.transfer.id,
          });
          const { before, after } = this.balances(request.walletId, request.amount, posted);
          await this.audit.append(tx, ctx, { ...entry, before: { status: 'pending', ...before }, after: { status: 'approved', ...after } });
          await inTx?.(tx, { request: decided, adjustment: posted });
        },
      });
      return { request: decided!, adjustment };
    });
  }

  /** The requester may withdraw their own request. Errors: adjustment_request_not_found (404), adjustment_request_not_pending (409). */
  async reject(ctx: AdminContext, id: string, reason: string): Promise<AdjustmentRequest> {
    const entry = { action: 'adjustment_request.reject', targetType: 'adjustment_request', targetId: id, reason };
    await this.audit.recordingRefusals(ctx, entry, () => this.find(id));
    return this.audit.run(ctx, entry, async (tx) => {
      if (!(await this.requests.lockPending(tx, id))) throw notPending('decided');
      const decided = await this.requests.decide(tx, id, { status: 'rejected', decidedBy: ctx.actorId, decisionReason: reason });
      return { result: decided, before: { status: 'pending' }, after: { status: 'rejected' } };
    });
  }

  private balances(walletId: string, amount: bigint, posted: PostedTransfer) {
    const balance = (posted.debit.walletId === walletId ? posted.debit : posted.credit).balanceAfter;
    return { before: { balance: balance - amount }, after: { balance, transferId: posted.transfer.id, amount } };
  }

  private async find(id: string): Promise<AdjustmentRequest> {
    const request = await this.requests.find(id);
    if (!request) throw new NotFound('Adjustment request not found', 'adjustment_request_not_found');
    return request;
  }

  private fourEyesRequired(basis: 'amount' | 'daily_total' | 'requester', limits: FourEyesLimits) {
    const messages = {
      amount: 'Above the four-eyes threshold an adjustment needs a second operator: open an adjustment request',
      daily_total: 'Your own adjustments of today would go above the four-eyes daily limit: open an adjustment request',
      requester: 'Another operator must approve this adjustment request',
    };
    return fourEyesRequired(messages[basis], basis, limits);
  }
}

function notPending(status: string): Conflict {
  return new Conflict('adjustment_request_not_pending', 'This adjustment request has already been decided', { status });
}
