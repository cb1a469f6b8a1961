import type { Transaction, TransactionRunner } from '../../../shared/transaction';
import { newId } from '../../../infra/crypto/ids';
import type { Principal } from '../../../shared/principal';
import { AppError, Conflict, NotFound, Unprocessable } from '../../../shared/errors';
import { toPage, type Cursor, type Page } from '../../../shared/pagination';
import type { InTransaction, LedgerEntry, LedgerService, PostedTransfer } from '../../ledger';
import type { AdminContext } from '../audit/audit.repository';
import type { AuditTrail } from '../audit/audit-trail';
import { fourEyesRequired, type FourEyesLimits, type FourEyesLimitsOf, type OperatorDayTotals } from '../four-eyes';
import type { NewRefundRequest, RefundRequest, RefundRequestRepository, RefundRequestStatus } from './refund-request.repository';

/**
 * The agent asking, as the agent module knows it: itself, its owner and the wallet its owner bound
 * to it; and its tenant (its token's), which is its owner's too.
 */
export interface RequestingAgent {
  id: string;
  ownerId: string;
  walletId: string;
  tenantId: string;
}

export interface ApprovedRefund {
  request: RefundRequest;
  refund: PostedTransfer;
}

/**
 * Refund requests and their decisions. Approval runs the ledger refund with the request's claim
 * inside the refund's own transaction (PostingOptions.guard), so a request is refunded at most
 * once however many approvals race, and never beyond what is left of the original.
 */
export class RefundService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly repo: RefundRequestRepository,
    private readonly ledger: LedgerService,
    private readonly audit: AuditTrail,
    private readonly dayTotals: OperatorDayTotals,
    /**
     * The approver cannot be the requester above the threshold, counted over the original's refunds
     * (done, this one and the other pending requests), nor above the day's limit of their own approvals.
     * The tenant's limits, read once per decision.
     */
    private readonly fourEyes: FourEyesLimitsOf,
  ) {}

  /**
   * A customer asks for (part of) one of their transactions back.
   * Errors: transaction_not_found (404), not_refundable (422), refund_exceeds_remaining (422).
   */
  async requestByCustomer(principal: Principal, transactionId: string, amount: bigint | undefined, reason: string): Promise<RefundRequest> {
    const draft = this.draft(await this.ledger.getEntry(principal, transactionId), amount, reason, principal.sub, 'customer');
    return this.db.transaction((tx) => this.repo.insert(tx, draft));
  }

  /**
   * An agent asks for (part of) one of its own payments back, for its owner: the payment must be
   * the debit of one the agent made from the wallet bound to it (anything else, the owner's other
   * transactions included, is not found). The request is the customer's kind, decided by an
   * operator with the same rules; it records the agent as requester and the owner as customer.
   * `inTx` runs in the inserting transaction (the MCP tool stores its idempotent reply there).
   * Errors: transaction_not_found (404), not_refundable (422), refund_exceeds_remaining (422).
   */
  async requestByAgent(
    agent: RequestingAgent,
    transactionId: string,
    amount: bigint | undefined,
    reason: string,
    inTx?: InTransaction<RefundRequest>,
  ): Promise<RefundRequest> {
    const owner: Principal = { sub: agent.ownerId, role: 'user', permissions: [], tenantId: agent.tenantId };
    const entry = await this.ledger.getEntry(owner, transactionId);
    // The agent module posts each of an agent's payments with the agent's id in the transfer's metadata.
    const paidByAgent = entry.walletId === agent.walletId && entry.amount < 0n && entry.transfer.metadata.agentId === agent.id;
    if (!paidByAgent) throw new NotFound('Transaction not found', 'transaction_not_found');
    const draft = this.draft(entry, amount, reason, agent.id, 'agent');
    return this.db.transaction(async (tx) => {
      const created = await this.repo.insert(tx, draft);
      await inTx?.(tx, created);
      return created;
    });
  }

  /** Support opens a request for a customer. Errors: as requestByCustomer. */
  async requestBySupport(ctx: AdminContext, principal: Principal, transactionId: string, amount: bigint | undefined, reason: string) {
    const entry = { action: 'refund_request.create', targetType: 'transaction', targetId: transactionId, reason };
    const draft = await this.audit.recordingRefusals(ctx, entry, async () =>
      this.draft(await this.ledger.operatorEntry(principal, transactionId), amount, reason, principal.sub, 'operator'),
    );
    return this.audit.run(ctx, entry, async (tx) => {
      const created = await this.repo.insert(tx, draft);
      return { result: created, after: { refundRequestId: created.id, amount: created.amount, status: created.status } };
    });
  }

  async list(status: RefundRequestStatus | undefined, limit: number, after?: Cursor): Promise<Page<RefundRequest>> {
    return toPage(await this.repo.list(status, limit, after), limit);
  }

  /**
   * Executes the refund of a pending request.
   * Errors: refund_request_not_found (404), refund_request_not_pending (409), four_eyes_required (403),
   * and the ledger's refund_exceeds_remaining / insufficient_funds (422), wallet_not_active (409).
   */
  async approve(ctx: AdminContext, principal: Principal, id: string, inTx?: InTransaction<ApprovedRefund>): Promise<ApprovedRefund> {
    const entry = { action: 'refund_request.approve', targetType: 'refund_request', targetId: id };
    return this.audit.recordingRefusals(ctx, entry, async () => {
      const request = await this.find(id);
      if (request.status !== 'pending') throw notPending(request.status);
      const selfApproval = request.requestedBy === ctx.actorId;
      const limits = selfApproval ? await this.fourEyes() : undefined;
      if (limits && request.amount > limits.thresholdMinor) throw this.fourEyesRequired('amount', limits);
      let decided: RefundRequest | undefined;
      const refund = await this.refundOnce(id, () =>
        this.ledger.operatorRefund(principal, request.transactionId, request.amount, `Refund request ${id}: ${request.reason}`, {
          guard: async (tx) => {
            if (!(await this.repo.lockPending(tx, id))) throw notPending('decided');
            if (limits) await this.assertSelfApprovable(tx, ctx.actorId, request, limits);
          },
          inTx: async (tx, posted) => {
            decided = await this.repo.decide(tx, id, {
              status: 'approved',
              decidedBy: ctx.actorId,
              decisionReason: null,
              refundTransferId: posted.transfer.id,
            });
            await this.audit.append(tx, ctx, {
              ...entry,
              before: { status: 'pending' },
              after: { status: 'approved', refundTransferId: posted.transfer.id, amount: request.amount },
            });
            await inTx?.(tx, { request: decided, refund: posted });
          },
        }),
      );
      return { request: decided!, refund };
    });
  }

  /** Errors: refund_request_not_found (404), refund_request_not_pending (409). */
  async reject(ctx: AdminContext, id: string, reason: string): Promise<RefundRequest> {
    const entry = { action: 'refund_request.reject', targetType: 'refund_request', targetId: id, reason };
    await this.audit.recordingRefusals(ctx, entry, () => this.find(id));
    return this.audit.run(ctx, entry, async (tx) => {
      if (!(await this.repo.lockPending(tx, id))) throw notPending('decided');
      const decided = await this.repo.decide(tx, id, {
        status: 'rejected',
        decidedBy: ctx.actorId,
        decisionReason: reason,
        refundTransferId: null,
      });
      return { result: decided, before: { status: 'pending' }, after: { status: 'rejected' } };
    });
  }

  /**
   * Four-eyes cannot be split into small requests: runs in the refund's transaction, after the ledger
   * reserved this refund on the original (its row lock makes concurrent approvals on one original
   * take turns), and counts the operator's day on a locked counter row, so two concurrent small
   * self-approvals that together cross a limit cannot both pass. A refusal rolls everything back.
   */
  private async assertSelfApprovable(tx: Transaction, operatorId: string, request: RefundRequest, limits: FourEyesLimits): Promise<void> {
    if ((await this.repo.cumulativeOnOriginal(tx, request.transferId, request.id)) > limits.thresholdMinor) {
      throw this.fourEyesRequired('cumulative', limits);
    }
    if ((await this.dayTotals.add(tx, operatorId, 'refund', request.amount)) > limits.dailyLimitMinor) {
      throw this.fourEyesRequired('daily_total', limits);
    }
  }

  private fourEyesRequired(basis: 'amount' | 'cumulative' | 'daily_total', limits: FourEyesLimits) {
    const messages = {
      amount: 'Above the four-eyes threshold another operator must approve this refund',
      cumulative:
        'With the other refunds of this transaction (done and pending) this goes above the four-eyes threshold: another operator must approve it',
      daily_total: 'Your own approvals of today would go above the four-eyes daily limit: another operator must approve this refund',
    };
    return fourEyesRequired(messages[basis], basis, limits);
  }

  /**
   * A racing approval that lost sees the original already refunded (the ledger's own check runs
   * first) and gets refund_exceeds_remaining; the true reason is that the request was decided.
   */
  private async refundOnce(id: string, refund: () => Promise<PostedTransfer>): Promise<PostedTransfer> {
    try {
      return await refund();
    } catch (error) {
      if (error instanceof AppError && error.code === 'refund_exceeds_remaining') {
        const now = await this.repo.find(id);
        if (now && now.status !== 'pending') throw notPending(now.status);
      }
      throw error;
    }
  }

  private async find(id: string): Promise<RefundRequest> {
    const request = await this.repo.find(id);
    if (!request) throw new NotFound('Refund request not found', 'refund_request_not_found');
    return request;
  }

  /** Checks what the ledger will check again at approval: the transaction (one the requester sees) can be refunded. */
  private draft(entry: LedgerEntry, amount: bigint | undefined, reason: string, requestedBy: string, byRole: string): NewRefundRequest {
    const original = entry.transfer;
    if (original.type === 'refund') throw new Unprocessable('not_refundable', 'A refund cannot itself be refunded');
    const remaining = original.status === 'completed' ? original.amount - original.refundedAmount : 0n;
    const requested = amount ?? remaining;
    if (requested <= 0n || requested > remaining) {
      throw new Unprocessable('refund_exceeds_remaining', 'Refunds cannot exceed what is left of the original amount', {
        remaining: remaining.toString(),
      });
    }
    return {
      id: newId('rfr'),
      transactionId: entry.id,
      transferId: original.id,
      customerId: entry.walletUserId,
      amount: requested,
      currency: original.currency,
      reason,
      requestedBy,
      requestedByRole: byRole,
    };
  }
}

function notPending(status: string): Conflict {
  return new Conflict('refund_request_not_pending', 'This refund request has already been decided', { status });
}
