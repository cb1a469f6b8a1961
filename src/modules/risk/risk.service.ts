import { newId } from '../../infra/crypto/ids';
import { requestContext } from '../../infra/request-context';
import { Unprocessable } from '../../shared/errors';
import { newEvent, type EventBus } from '../../shared/events';
import type { Cursor, Page } from '../../shared/pagination';
import { toPage } from '../../shared/pagination';
import type { Movement, MovementScreen, ScreenVerdict } from '../ledger';
import type { AuditedActions, OperatorContext } from '../../shared/audited-actions';
import type { RiskReviews } from './risk-review.service';
import { toFeatures } from './risk.features';
import { score } from './risk.model';
import type { RiskModelStore } from './risk-model.store';
import type { Decision, RiskRepository, RiskScoreRecord } from './risk.repository';

/**
 * Scored and stored, never refused (docs/risk.md): an operator's adjustment, money sent back (a
 * refund, a payout that came back), a hold (its capture is scored too). At the block threshold they
 * are flagged `review` instead.
 */
const NEVER_REFUSED: ReadonlySet<Movement['kind']> = new Set(['refund', 'adjustment', 'hold', 'credit']);

export interface RiskThresholds {
  /** At or above: the movement is flagged for an operator's review (recorded as `review`). */
  review: number;
  /** At or above: the movement is refused (risk_refused). */
  block: number;
}

/**
 * Scores every money movement before the ledger posts it (docs/risk.md): the features come from
 * the records (one query), the model from the store, and the score is kept with the transfer.
 */
export class RiskService implements MovementScreen {
  constructor(
    private readonly repo: RiskRepository,
    private readonly models: RiskModelStore,
    private readonly thresholds: RiskThresholds,
    private readonly audit: AuditedActions,
    /** Approve/reject of movements held for review (POST /admin/risk/reviews/:id/approve|reject). */
    readonly reviews: RiskReviews,
    /** Tells operators (an alert) of a movement posted flagged for review. */
    private readonly events: EventBus,
  ) {}

  /**
   * Errors: risk_refused (422) when the score reaches the block threshold: the refusal is stored,
   * nothing moves, and the answer says nothing of the model (a fraudster must not learn the edges);
   * risk_review_pending (409) for a capture of a hold that waits for its review.
   */
  async screen(m: Movement): Promise<ScreenVerdict> {
    if (m.kind === 'hold_capture' && m.holdId) await this.reviews.assertCapturable(m.holdId);
    // The address of the person's request that makes the movement, when there is one: set by the
    // authentication of a user's request (an agent's, a server's and background work have none).
    const client = m.kind === 'agent_payment' ? undefined : requestContext.current()?.client;
    const context = await this.repo.aggregates(m.fromWalletId, m.toWalletId, client);
    // An unknown wallet: the ledger answers wallet_not_found itself.
    if (!context) return { post: async () => undefined };
    const model = this.models.active;
    const { score: value, reasons } = score(
      model,
      toFeatures({
        ...context,
        amount: m.amount,
        agent: m.kind === 'agent_payment',
        hasCounterparty: m.toWalletId !== null,
        inbound: m.inbound === true,
      }),
    );
    const decision = this.decide(m, value);
    const record = (movementId: string | null): RiskScoreRecord => ({
      id: newId('rsk'),
      kind: m.kind,
      movementId,
      walletId: m.fromWalletId,
      counterparty: m.toWalletId,
      amount: m.amount,
      currency: m.currency,
      score: value,
      decision,
      reasons,
      modelVersion: model.version,
      initiatedBy: m.initiatedBy,
      createdAt: new Date(),
    });
    if (decision === 'refuse') {
      await this.repo.save(record(null));
      throw new Unprocessable('risk_refused', 'This payment cannot be made; contact support if you think this is wrong');
    }
    if (decision === 'review' && m.onHeld && m.toWalletId !== null) {
      return { held: await this.reviews.hold({ ...m, toWalletId: m.toWalletId }, record(null)) };
    }
    // Other movements that reach the review threshold (agent payments, multi-leg legs, payouts,
    // card funding...) post, flagged `review` in the scores, with an alert for the operators.
    let saved: RiskScoreRecord | undefined;
    return {
      post: async (tx, movementId) => {
        saved = record(movementId);
        await this.repo.save(saved, tx);
      },
      committed: () => {
        if (saved?.decision === 'review') this.events.publish([flagged(saved)]);
      },
    };
  }

  private decide(m: Movement, value: number): Decision {
    // A capture moves money already reserved (an approved review's, or a hold the payer made):
    // its score is kept, but it is neither refused nor held again.
    if (m.kind === 'hold_capture') return 'allow';
    const decided: Decision = value >= this.thresholds.block ? 'refuse' : value >= this.thresholds.review ? 'review' : 'allow';
    // Money that came in already (a card charge that succeeded) cannot be refused either.
    return decided === 'refuse' && (NEVER_REFUSED.has(m.kind) || m.charged === true) ? 'review' : decided;
  }

  /** Scores newest first, of one wallet or all (operators only; the route checks the permission). */
  async list(walletId: string | undefined, limit: number, after?: Cursor): Promise<Page<RiskScoreRecord>> {
    return toPage(await this.repo.list(walletId, limit, after), limit);
  }

  /** The active model's version, training date, features and metrics (never its weights' use per request). */
  activeModel() {
    const { version, trainedAt, features, metrics } = this.models.active;
    return { version, trainedAt, features, metrics, loadedAt: this.models.since, thresholds: this.thresholds };
  }

  /** Loads the newest model file, in the audit log. Errors: risk_model_invalid (422): the active model stays. */
  reloadModel(ctx: OperatorContext) {
    return this.audit.run(ctx, { action: 'risk.model.reload', targetType: 'risk_model', targetId: 'active' }, async () => {
      const before = this.models.active.version;
      this.models.reload();
      return { result: this.activeModel(), after: { before, version: this.models.active.version } };
    });
  }
}

/** `risk.movement.flagged`: posted although its score reached the review threshold (monitoring raises an alert). */
function flagged(s: RiskScoreRecord) {
  return newEvent('risk.movement.flagged', s.initiatedBy, {
    kind: s.kind,
    movementId: s.movementId,
    walletId: s.walletId,
    amount: s.amount.toString(),
    currency: s.currency,
    score: s.score,
    reasons: s.reasons,
  });
}
