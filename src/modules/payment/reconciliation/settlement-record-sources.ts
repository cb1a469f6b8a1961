import type { CardCharge, CardChargeRepository } from '../funding/card-charge.repository';
import type { CardRefund, CardRefundRepository } from '../funding/card-refund.repository';
import type { Payout, PayoutRepository } from '../payouts/payout.repository';

/** What a settlement file lists: money the processor moved for OCP. */
export type SettlementKind = 'charge' | 'refund' | 'payout';
export const SETTLEMENT_KINDS: readonly SettlementKind[] = ['charge', 'refund', 'payout'];

/** One of OCP's records, as a processor's settlement file would show it. */
export interface SettledRecord {
  /** The processor's id of the charge, refund or payout (what a file row names). */
  processorId: string;
  /** OCP's own id (crg_…, crf_…, a payout's id). */
  ourId: string;
  amountMinor: bigint;
  currency: string;
  occurredAt: Date;
}

/** A position in a source's period listing: the last record's (occurredAt, ourId). */
export interface SettledCursor {
  occurredAt: Date;
  ourId: string;
}

/**
 * The reconciliation's port: where OCP's records of one kind come from. One source per kind; the
 * payment module plugs in its card charges, card refunds and payouts.
 */
export interface SettlementRecordSource {
  readonly kind: SettlementKind;
  /** Our records of this processor carrying these processor ids (any that we do not have are left out). */
  findByProcessorIds(processor: string, processorIds: readonly string[]): Promise<SettledRecord[]>;
  /**
   * Our records of this processor that the processor should list for [from, to] (the ones that
   * reached it and succeeded there), oldest first by (occurredAt, ourId), after `after`, `limit` at most.
   */
  listSettledBetween(processor: string, from: Date, to: Date, limit: number, after?: SettledCursor): Promise<SettledRecord[]>;
}

/** The sources the reconciliation matches against, one per kind; the last one registered for a kind wins. */
export class SettlementRecordSources {
  private readonly byKind = new Map<SettlementKind, SettlementRecordSource>();

  constructor(sources: readonly SettlementRecordSource[] = []) {
    for (const source of sources) this.register(source);
  }

  register(source: SettlementRecordSource): void {
    this.byKind.set(source.kind, source);
  }

  get(kind: SettlementKind): SettlementRecordSource | undefined {
    return this.byKind.get(kind);
  }

  all(): SettlementRecordSource[] {
    return [...this.byKind.values()];
  }
}

/** Card charges, by the processor's charge id; in a period, those that succeeded at the processor. */
export function cardChargeSource(charges: CardChargeRepository): SettlementRecordSource {
  const toRecord = (c: CardCharge): SettledRecord => ({
    processorId: c.processorChargeId ?? '',
    ourId: c.id,
    amountMinor: c.amount,
    currency: c.currency,
    occurredAt: c.createdAt,
  });
  return {
    kind: 'charge',
    findByProcessorIds: async (processor, ids) => (await charges.findByProcessorChargeIds(processor, ids)).map(toRecord),
    listSettledBetween: async (processor, from, to, limit, after) =>
      (await charges.listProcessedBetween(processor, from, to, limit, after && { createdAt: after.occurredAt, id: after.ourId })).map(
        toRecord,
      ),
  };
}

/** Card refunds, by the processor's refund id; in a period, those the processor confirmed. */
export function cardRefundSource(refunds: CardRefundRepository): SettlementRecordSource {
  const toRecord = (r: CardRefund): SettledRecord => ({
    processorId: r.processorRefundId ?? '',
    ourId: r.id,
    amountMinor: r.amount,
    currency: r.currency,
    occurredAt: r.createdAt,
  });
  return {
    kind: 'refund',
    findByProcessorIds: async (processor, ids) => (await refunds.findByProcessorRefundIds(processor, ids)).map(toRecord),
    listSettledBetween: async (processor, from, to, limit, after) =>
      (await refunds.listSucceededBetween(processor, from, to, limit, after && { createdAt: after.occurredAt, id: after.ourId })).map(
        toRecord,
      ),
  };
}

/** Payouts, by the processor's payout id; in a period, those paid out (returned ones included). */
export function payoutSource(payouts: PayoutRepository): SettlementRecordSource {
  const toRecord = (p: Payout): SettledRecord => ({
    processorId: p.processorPayoutId ?? '',
    ourId: p.id,
    amountMinor: p.amount,
    currency: p.currency,
    // Only paid payouts are listed by period, and they all have a payment time.
    occurredAt: p.paidAt ?? p.createdAt,
  });
  return {
    kind: 'payout',
    findByProcessorIds: async (processor, ids) => (await payouts.findByProcessorPayoutIds(processor, ids)).map(toRecord),
    listSettledBetween: async (processor, from, to, limit, after) =>
      (await payouts.listPaidBetween(processor, from, to, limit, after && { paidAt: after.occurredAt, id: after.ourId })).map(toRecord),
  };
}
