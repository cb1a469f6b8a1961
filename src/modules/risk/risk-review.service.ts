import { AsyncLocalStorage } from 'node:async_hooks';
import { newId } from '../../infra/crypto/ids';
import { currentTenantId } from '../../infra/tenant-scope';
import { Conflict, NotFound } from '../../shared/errors';
import { newEvent, type EventBus } from '../../shared/events';
import type { Principal } from '../../shared/principal';
import type { Transaction } from '../../shared/transaction';
import type { AuditedActions, OperatorContext } from '../../shared/audited-actions';
import type { HeldForReview, HoldService, Movement } from '../ledger';
import type { RiskRepository, RiskReview, RiskScoreRecord } from './risk.repository';

/**
 * The risk module acts on holds as a service: the payer authorised the payment, an operator decides
 * it. It acts in the tenant of the work running now: the payment's, or the deciding operator's.
 */
function riskPrincipal(): Principal {
  return { sub: 'risk-review', role: 'service', permissions: [], tenantId: currentTenantId() };
}

/** A review waits this long; unanswered, the hold expires and the money is released (holds' expiry). */
export const REVIEW_TTL_MS = 7 * 86_400_000;

/**
 * Movements held for an operator's review: the money is reserved by a hold (so it cannot be
 * spent twice meanwhile), and the operator's approval captures it or the rejection voids it. The
 * decision is a conditional update inside the capture's or void's transaction, and the hold is
 * settled by a conditional update too: of an approve and a reject at once, one wins.
 */
export class RiskReviews {
  /**
   * The hold an approval's own capture is for, in that capture's async chain only: the one capture
   * of a held-for-review hold allowed. (A set of hold ids let any other capture of the same hold
   * through while an approval ran in this process, and the review then stayed pending.)
   */
  private readonly approving = new AsyncLocalStorage<string>();

  constructor(
    private readonly repo: RiskRepository,
    private readonly holds: Pick<HoldService, 'create' | 'capture' | 'void'>,
    private readonly audit: AuditedActions,
    private readonly events: EventBus,
  ) {}

  /**
   * Holds the movement's money and opens the review, with the score and the caller's reply in the
   * same transaction. Errors: those of a hold (insufficient_funds, wallet_not_active...).
   */
  async hold(m: Movement & { toWalletId: string }, score: RiskScoreRecord): Promise<HeldForReview> {
    const reviewId = newId('rrv');
    let held: HeldForReview | undefined;
    await this.holds.create(
      riskPrincipal(),
      {
        fromWalletId: m.fromWalletId,
        toWalletId: m.toWalletId,
        amount: m.amount,
        currency: m.currency,
        expiresAt: new Date(Date.now() + REVIEW_TTL_MS),
        description: `held for risk review ${reviewId}`,
      },
      async (tx, hold) => {
        held = { status: 'pending_review', reviewId, holdId: hold.id };
        await this.repo.save(score, tx);
        await this.repo.insertReview(tx, { id: reviewId, scoreId: score.id, holdId: hold.id, walletId: m.fromWalletId });
        await m.onHeld?.(tx, held);
      },
      // Scored already: this score, with the review.
      { scored: true },
    );
    this.events.publish([
      newEvent('risk.review.opened', m.initiatedBy, {
        reviewId,
        walletId: m.fromWalletId,
        amount: m.amount.toString(),
        currency: m.currency,
        score: score.score,
        reasons: score.reasons,
      }),
    ]);
    return held!;
  }

  /**
   * Captures the held money: it moves once. Audited.
   * Errors: risk_review_not_found (404), risk_review_decided (409), and the capture's (wallet_not_active...).
   */
  async approve(ctx: OperatorContext, id: string): Promise<RiskReview> {
    const review = await this.pending(id);
    const entry = { action: 'risk.review.approve', targetType: 'risk_review', targetId: id };
    await this.audit.recordingRefusals(ctx, entry, () =>
      this.approving.run(review.holdId, () =>
        this.decided(
          this.holds.capture(riskPrincipal(), review.holdId, undefined, async (tx, captured) => {
            await this.decide(tx, id, 'approved', ctx, captured.posted.transfer.id);
            await this.audit.append(tx, ctx, { ...entry, after: { transferId: captured.posted.transfer.id } });
          }),
        ),
      ),
    );
    return (await this.repo.findReview(id))!;
  }

  /** Releases the held money: nothing moves. Audited. Errors: risk_review_not_found (404), risk_review_decided (409). */
  async reject(ctx: OperatorContext, id: string): Promise<RiskReview> {
    const review = await this.pending(id);
    const entry = { action: 'risk.review.reject', targetType: 'risk_review', targetId: id };
    await this.audit.recordingRefusals(ctx, entry, () =>
      this.decided(
        this.holds.void(riskPrincipal(), review.holdId, async (tx) => {
          await this.decide(tx, id, 'rejected', ctx, null);
          await this.audit.append(tx, ctx, entry);
        }),
      ),
    );
    return (await this.repo.findReview(id))!;
  }

  /**
   * Refuses a capture of a hold that is held for review, unless it is this module's own approval:
   * the payer (or payee) may void it, never capture it past the operator.
   * Errors: risk_review_pending (409).
   */
  async assertCapturable(holdId: string): Promise<void> {
    if (this.approving.getStore() === holdId) return;
    const review = await this.repo.pendingReviewOfHold(holdId);
    if (review) {
      throw new Conflict('risk_review_pending', 'This payment is held for review; an operator releases it', { reviewId: review.id });
    }
  }

  /** Errors: risk_review_not_found (404). */
  async get(id: string): Promise<RiskReview> {
    const review = await this.repo.findReview(id);
    if (!review) throw new NotFound('Risk review not found', 'risk_review_not_found');
    return review;
  }

  private async pending(id: string): Promise<RiskReview> {
    const review = await this.get(id);
    if (review.status !== 'pending') throw alreadyDecided(review.status);
    return review;
  }

  private async decide(tx: Transaction, id: string, status: 'approved' | 'rejected', ctx: OperatorContext, transferId: string | null) {
    if (!(await this.repo.decideReview(tx, id, status, ctx.actorId, transferId))) throw alreadyDecided(undefined);
  }

  /** The hold settled by the other decision (or expired) answers as the review's own conflict. */
  private async decided<T>(action: Promise<T>): Promise<T> {
    try {
      return await action;
    } catch (error) {
      if (error instanceof Conflict && error.code === 'hold_not_pending') throw alreadyDecided(undefined);
      throw error;
    }
  }
}

function alreadyDecided(status: string | undefined): Conflict {
  return new Conflict('risk_review_decided', 'The review was already decided (or its hold expired)', status ? { status } : undefined);
}
