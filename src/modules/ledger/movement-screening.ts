import type { TransactionRunner } from '../../shared/transaction';
import { settleAll } from './posting-queue';
import type { HeldForReview, Movement, MovementScreen, PostingOptions, PostVerdict } from './ledger.types';

/**
 * The screen every movement of a user wallet's money passes before it posts (the risk module's,
 * registered at composition so the ledger does not depend on it), and the posting options that
 * store its verdict with the posting.
 */
export class MovementScreening {
  private registered: MovementScreen | undefined;

  constructor(private readonly transactions: TransactionRunner) {}

  use(screen: MovementScreen): void {
    if (this.registered) throw new Error('movements already have a screen');
    this.registered = screen;
  }

  /** The registered screen, read at each posting (undefined until one is registered). */
  get screen(): MovementScreen | undefined {
    return this.registered;
  }

  /**
   * Screens a movement that may be held for review (when options.onHeld is given): the hold, or
   * the options that record the verdict with the posting. Errors: risk_refused (422).
   */
  async screened(movement: Movement, options: PostingOptions): Promise<PostingOptions | HeldForReview> {
    if (!this.registered) return options;
    const verdict = await this.registered.screen({ ...movement, ...(options.onHeld ? { onHeld: options.onHeld } : {}) });
    if ('held' in verdict) return verdict.held;
    return this.recording(verdict, options);
  }

  /** Screens a movement before the money is taken or reserved elsewhere. Errors: risk_refused (422). */
  async ahead(movement: Omit<Movement, 'onHeld'>): Promise<PostVerdict | undefined> {
    const verdict = await this.registered?.screen(movement);
    if (verdict && 'held' in verdict) throw new Error('a movement without onHeld was held for review');
    return verdict;
  }

  /** For movements that cannot be held (the screen only holds when onHeld is given). */
  async unreviewed(movement: Movement, options: PostingOptions): Promise<PostingOptions> {
    const { onHeld: _never, ...unheld } = options;
    const verdict = await this.ahead(movement);
    return verdict ? this.recording(verdict, unheld) : unheld;
  }

  /** The options that store the verdict with the posting, in its transaction, and tell it the commit. */
  recording(verdict: PostVerdict, options: PostingOptions): PostingOptions {
    return {
      ...options,
      // Side by side: with the posting group's other writes they leave in one round trip, where one
      // after the other each reply waited for its score's answer.
      inTx: (tx, posted) => settleAll([verdict.post(tx, posted.transfer.id), options.inTx?.(tx, posted)], this.transactions),
      afterCommit: () => {
        verdict.committed?.();
        options.afterCommit?.();
      },
    };
  }
}
