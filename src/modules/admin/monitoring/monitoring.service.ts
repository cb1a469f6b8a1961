import type { Cache } from '../../../infra/cache/cache';
import type { Logger } from '../../../infra/logger';
import { Conflict, NotFound } from '../../../shared/errors';
import type { DomainEvent, EventBus } from '../../../shared/events';
import { toPage, type Cursor, type Page } from '../../../shared/pagination';
import type { AdminContext } from '../audit/audit.repository';
import type { AuditTrail } from '../audit/audit-trail';
import type { TransferPosted } from '../../ledger';
import type { Alert, AlertFilter, MonitoringRepository, NewAlert } from './monitoring.repository';

/** Each rule's limit is the most that raises no alert: one more fires it. */
export interface MonitoringRules {
  largeAmountMinor: bigint;
  velocityMax: number;
  velocityWindowMs: number;
  declinesMax: number;
  declinesWindowMs: number;
  policyRefusalsMax: number;
  policyRefusalsWindowMs: number;
}

/**
 * Flags for operators. Movements are judged when they happen, from transfer.posted on the
 * EventBus without reading the database: one over the large-amount limit, or more debits from one
 * wallet in a window than the velocity limit (a counter per wallet in the cache). Agent policy
 * refusals (agent.payment.refused naming a rule) are counted per
 * agent in the cache. Card declines have no event: a periodic sweep groups failed card_charges.
 * Every alert has a dedupe key, so evaluating twice (two instances, overlapping sweeps) raises one.
 */
export class MonitoringService {
  private readonly running = new Set<Promise<unknown>>();
  private lastSweepAt: Date;

  constructor(
    private readonly repo: MonitoringRepository,
    private readonly cache: Cache,
    private readonly audit: AuditTrail,
    private readonly rules: MonitoringRules,
    private readonly logger: Logger,
    /**
     * Runs the sweep's work once in each tenant (inEachTenant): its timer runs outside any request,
     * where a statement would see the default tenant's card charges alone.
     */
    private readonly eachTenant: (job: () => Promise<boolean>) => Promise<boolean> = (job) => job(),
  ) {
    this.lastSweepAt = new Date(Date.now() - rules.declinesWindowMs);
  }

  subscribe(events: EventBus): void {
    events.subscribe('transfer.posted', (e) => this.track(this.onTransferPosted(e)));
    // The agent module tells every refusal of an agent's payment, whether its policy refused before
    // the ledger (per-transaction cap, counterparty, currency, mandate) or inside it (budgets), and
    // names the agent. A refusal inside the ledger also raises transfer.refused, for the owner and
    // not the agent: counting that too would count one refusal twice, so it is not counted here.
    events.subscribe('agent.payment.refused', (e) => {
      if (typeof e.data.rule === 'string') this.track(this.onPolicyRefusal(e));
    });
    // The payment module's reconciliation tells each settlement file that disagrees with our records.
    events.subscribe('reconciliation.mismatched', (e) => this.track(this.onReconciliationMismatch(e)));
    // The risk module holds a movement whose score reached the review threshold: an operator decides.
    events.subscribe('risk.review.opened', (e) => this.track(this.onRiskReview(e)));
    // A movement that cannot wait for a review (card funding, agent payment, payout...) posted with
    // a score past the review threshold: operators look at it after the fact.
    events.subscribe('risk.movement.flagged', (e) => this.track(this.onRiskFlagged(e)));
  }

  async onRiskFlagged(event: DomainEvent): Promise<void> {
    const movementId = String(event.data.movementId);
    await this.raise({
      rule: 'risk_review',
      dedupeKey: `risk_review:${movementId}`,
      subjectType: event.data.kind === 'hold' ? 'hold' : 'transfer',
      subjectId: movementId,
      details: {
        kind: event.data.kind,
        walletId: event.data.walletId,
        amount: event.data.amount,
        currency: event.data.currency,
        score: event.data.score,
        reasons: event.data.reasons,
      },
    });
  }

  async onRiskReview(event: DomainEvent): Promise<void> {
    const reviewId = String(event.data.reviewId);
    await this.raise({
      rule: 'risk_review',
      dedupeKey: `risk_review:${reviewId}`,
      subjectType: 'risk_review',
      subjectId: reviewId,
      details: {
        walletId: event.data.walletId,
        amount: event.data.amount,
        currency: event.data.currency,
        score: event.data.score,
        reasons: event.data.reasons,
      },
    });
  }

  /** Resolves when evaluations started by events have finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  async onTransferPosted(event: DomainEvent): Promise<void> {
    const transfer = event.data as unknown as TransferPosted;
    const amount = BigInt(transfer.amount);
    const { largeAmountMinor, velocityMax, velocityWindowMs } = this.rules;
    if (amount > largeAmountMinor) {
      await this.raise({
        rule: 'large_movement',
        dedupeKey: `large_movement:${transfer.transferId}`,
        subjectType: 'transfer',
        subjectId: transfer.transferId,
        details: { amount: transfer.amount, currency: transfer.currency, type: transfer.type, limit: largeAmountMinor.toString() },
      });
    }
    if (!transfer.fromUserWallet) return;
    // A counter in the cache (shared between instances on Redis): no database read per movement.
    // The window opens with the wallet's first debit and lasts velocityWindowMs.
    const { count, resetAtMs } = await this.cache.increment(`monitor:velocity:${transfer.fromWalletId}`, velocityWindowMs);
    if (count !== velocityMax + 1) return; // once per window, at the first movement past the limit
    await this.raise({
      rule: 'velocity',
      dedupeKey: `velocity:${transfer.fromWalletId}:${resetAtMs}`,
      subjectType: 'wallet',
      subjectId: transfer.fromWalletId,
      details: { count, windowMs: velocityWindowMs, limit: velocityMax, lastTransferId: transfer.transferId },
    });
  }

  /** An agent.payment.refused event whose data names the agent and the rule that refused. */
  async onPolicyRefusal(event: DomainEvent): Promise<void> {
    const agentId = String(event.data.agentId);
    const { policyRefusalsMax: max, policyRefusalsWindowMs: windowMs } = this.rules;
    const { count, resetAtMs } = await this.cache.increment(`monitor:policy-refusals:${agentId}`, windowMs);
    if (count !== max + 1) return; // once per window, at the first refusal past the limit
    await this.raise({
      rule: 'agent_policy_refusals',
      dedupeKey: `agent_policy_refusals:${agentId}:${resetAtMs}`,
      subjectType: 'agent',
      subjectId: agentId,
      details: { count, windowMs, limit: max, lastRule: event.data.rule, ownerId: event.ownerId },
    });
  }

  /** A reconciliation.mismatched event: one alert per reconciliation, with its counts (ids and amounts stay in the reconciliation). */
  async onReconciliationMismatch(event: DomainEvent): Promise<void> {
    const reconciliationId = String(event.data.reconciliationId);
    await this.raise({
      rule: 'reconciliation_mismatch',
      dedupeKey: `reconciliation_mismatch:${reconciliationId}`,
      subjectType: 'reconciliation',
      subjectId: reconciliationId,
      details: { processor: event.data.processor, counts: event.data.counts, byKind: event.data.byKind },
    });
  }

  /** The periodic job: repeated card declines per wallet. Returns how many alerts it raised. */
  async sweep(now = new Date()): Promise<number> {
    const { declinesMax, declinesWindowMs } = this.rules;
    // From the start of the window the last sweep was in: a burst spanning two sweeps is seen whole.
    const since = new Date(Math.floor((this.lastSweepAt.getTime() - declinesWindowMs) / declinesWindowMs) * declinesWindowMs);
    this.lastSweepAt = now;
    let raised = 0;
    await this.eachTenant(async () => {
      for (const burst of await this.repo.declineBursts(since, declinesWindowMs, declinesMax)) {
        const fresh = await this.raise({
          rule: 'repeated_declines',
          dedupeKey: `repeated_declines:${burst.walletId}:${burst.windowStart.getTime()}`,
          subjectType: 'wallet',
          subjectId: burst.walletId,
          details: { count: burst.count, windowMs: declinesWindowMs, limit: declinesMax, windowStart: burst.windowStart.toISOString() },
        });
        if (fresh) raised += 1;
      }
      return false;
    });
    return raised;
  }

  async list(filter: AlertFilter, limit: number, after?: Cursor): Promise<Page<Alert>> {
    return toPage(await this.repo.listAlerts(filter, limit, after), limit);
  }

  /** Errors: alert_not_found (404), alert_already_resolved (409). */
  async resolve(ctx: AdminContext, id: string, note: string): Promise<Alert> {
    const entry = { action: 'alert.resolve', targetType: 'alert', targetId: id, reason: note };
    return this.audit.run(ctx, entry, async (tx) => {
      const alert = await this.repo.lockAlert(tx, id);
      if (!alert) throw new NotFound('Alert not found', 'alert_not_found');
      if (alert.status === 'resolved') throw new Conflict('alert_already_resolved', 'This alert is already resolved');
      const resolved = await this.repo.resolveAlert(tx, id, ctx.actorId, note);
      return { result: resolved, before: { status: 'open' }, after: { status: 'resolved' } };
    });
  }

  private async raise(alert: NewAlert): Promise<boolean> {
    const fresh = await this.repo.insertAlert(alert);
    if (fresh)
      this.logger.warn('monitoring alert raised', { rule: alert.rule, subjectType: alert.subjectType, subjectId: alert.subjectId });
    return fresh;
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => this.logger.error('monitoring rule failed', { error }))
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }
}
