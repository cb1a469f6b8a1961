import { RiskReviews } from '../../../src/modules/risk/risk-review.service';
import type { RiskRepository, RiskReview } from '../../../src/modules/risk/risk.repository';
import type { AuditedActions, OperatorContext } from '../../../src/shared/audited-actions';
import { EventBus } from '../../../src/shared/events';
import type { Transaction } from '../../../src/shared/transaction';

const HOLD = 'hld_1';
const operator: OperatorContext = { actorId: 'adm_1', requestId: 'req_1', ip: '127.0.0.1' };

/** One pending review of HOLD; captures go through `capture`, which the test holds open. */
function setup() {
  const review: RiskReview = {
    id: 'rrv_1',
    scoreId: 'rsk_1',
    holdId: HOLD,
    walletId: 'wal_1',
    status: 'pending',
    transferId: null,
    decidedBy: null,
    decidedAt: null,
    createdAt: new Date(),
  };
  const repo = {
    findReview: async () => ({ ...review }),
    pendingReviewOfHold: async () => (review.status === 'pending' ? { ...review } : undefined),
    decideReview: async (_tx: Transaction, _id: string, status: 'approved' | 'rejected') => {
      if (review.status !== 'pending') return false;
      review.status = status;
      return true;
    },
  } as unknown as RiskRepository;
  const audit: AuditedActions = {
    run: async () => undefined as never,
    append: async () => undefined,
    recordingRefusals: (_ctx, _entry, action) => action(),
  };
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const reviews: RiskReviews = new RiskReviews(
    repo,
    {
      create: async () => undefined as never,
      void: async () => undefined as never,
      // As the ledger does: the capture is screened (assertCapturable) before it posts.
      capture: async (_principal, holdId, _amount, inTx) => {
        await gate;
        await reviews.assertCapturable(holdId);
        const captured = { posted: { transfer: { id: 'trf_1' } } } as never;
        await inTx?.({} as Transaction, captured);
        return captured;
      },
    },
    audit,
    new EventBus(() => undefined),
  );
  return { reviews, review, release };
}

describe('risk reviews', () => {
  it("when an operator's approval is capturing the hold, then another caller's capture of it is still refused as pending review", async () => {
    const { reviews, review, release } = setup();
    const approving = reviews.approve(operator, review.id);
    await new Promise((resolve) => setImmediate(resolve));
    // The payee (or payer) captures the same hold meanwhile: the ledger screens it the same way.
    await expect(reviews.assertCapturable(HOLD)).rejects.toMatchObject({ code: 'risk_review_pending' });
    release();
    await expect(approving).resolves.toMatchObject({ status: 'approved' });
    await expect(reviews.assertCapturable(HOLD)).resolves.toBeUndefined();
  });
});
