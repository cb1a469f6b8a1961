import type { Transaction } from '../../../src/shared/transaction';
import { EventBus, type DomainEvent } from '../../../src/shared/events';
import { AppError } from '../../../src/shared/errors';
import type {
  ReconciliationItem,
  NewReconciliation,
  ReconciliationRepository,
} from '../../../src/modules/payment/reconciliation/reconciliation.repository';
import type { AuditedActions } from '../../../src/shared/audited-actions';
import { ReconciliationService } from '../../../src/modules/payment/reconciliation/reconciliation.service';
import {
  SettlementRecordSources,
  type SettledRecord,
  type SettlementKind,
  type SettlementRecordSource,
} from '../../../src/modules/payment/reconciliation/settlement-record-sources';

/** Records of one kind in memory, behind the same port the SQL sources implement. */
function memorySource(kind: SettlementKind, records: SettledRecord[]): SettlementRecordSource {
  return {
    kind,
    findByProcessorIds: async (_processor, ids) => records.filter((r) => ids.includes(r.processorId)),
    listSettledBetween: async (_processor, from, to, limit, after) =>
      records
        .filter((r) => r.occurredAt >= from && r.occurredAt <= to)
        .filter(
          (r) =>
            !after || r.occurredAt > after.occurredAt || (r.occurredAt.getTime() === after.occurredAt.getTime() && r.ourId > after.ourId),
        )
        .slice(0, limit),
  };
}

class MemoryRepository implements ReconciliationRepository {
  stored: { reconciliation: NewReconciliation; items: readonly ReconciliationItem[] }[] = [];
  async insert(_tx: Transaction, reconciliation: NewReconciliation, items: readonly ReconciliationItem[]) {
    this.stored.push({ reconciliation, items });
    return { ...reconciliation, createdAt: new Date() };
  }
  findById = async () => null;
  list = async () => [];
  countsByKind = async () => ({});
  listItems = async () => [];
}

const audit: Pick<AuditedActions, 'run'> = { run: async (_ctx, _entry, work) => (await work({} as Transaction)).result };
const ctx = { actorId: 'usr_op', requestId: 'req_1', ip: '127.0.0.1' };
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 10, minute));
const record = (processorId: string, amount: bigint, minute: number): SettledRecord => ({
  processorId,
  ourId: `our_${processorId}`,
  amountMinor: amount,
  currency: 'USD',
  occurredAt: at(minute),
});
const OCP = 'id,type,amount,currency,fee,date';

function service(sources: SettlementRecordSource[], missingTheirsMax = 100) {
  const repo = new MemoryRepository();
  const events: DomainEvent[] = [];
  const bus = new EventBus(() => undefined);
  bus.subscribe('*', (e) => void events.push(e));
  const reconciliations = new ReconciliationService(repo, new SettlementRecordSources(sources), audit, bus, {
    defaultProcessor: () => Promise.resolve('sandbox'),
    missingTheirsMax,
  });
  return { reconciliations, repo, events };
}

describe('ReconciliationService', () => {
  it('when a payouts source is plugged into the port, then payout rows are matched against it and its records of the period count as missing_theirs', async () => {
    const payouts = memorySource('payout', [record('po_1', 9622n, 1), record('po_2', 100n, 2), record('po_3', 5n, 30)]);
    const { reconciliations, repo, events } = service([memorySource('charge', []), payouts]);
    const file = [OCP, `po_1,payout,96.22,USD,0,${at(1).toISOString()}`, `po_9,payout,1.00,USD,0,${at(3).toISOString()}`].join('\n');
    const result = await reconciliations.reconcile(ctx, Buffer.from(file));
    expect(result.counts).toEqual({ matched: 1, amount_mismatch: 0, missing_ours: 1, missing_theirs: 1 });
    expect(repo.stored[0]!.items.map((i) => [i.seq, i.kind, i.result, i.processorId])).toEqual([
      [0, 'payout', 'matched', 'po_1'],
      [1, 'payout', 'missing_ours', 'po_9'],
      [2, 'payout', 'missing_theirs', 'po_2'], // po_3 is after the file's period
    ]);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      [
        'reconciliation.mismatched',
        {
          reconciliationId: result.id,
          processor: 'sandbox',
          counts: { amount_mismatch: 0, missing_ours: 1, missing_theirs: 1 },
          byKind: { payout: { matched: 1, amount_mismatch: 0, missing_ours: 1, missing_theirs: 1 } },
        },
      ],
    ]);
  });

  it('when no source keeps a kind the file lists, then the file is refused at that kind first row and nothing is stored', async () => {
    const { reconciliations, repo } = service([memorySource('charge', [])]);
    const file = [OCP, `ch_1,charge,1.00,USD,0,${at(1).toISOString()}`, `po_1,payout,1.00,USD,0,${at(1).toISOString()}`].join('\n');
    await expect(reconciliations.reconcile(ctx, Buffer.from(file))).rejects.toMatchObject({
      code: 'settlement_file_invalid',
      details: { line: 3, reason: expect.stringMatching(/payout/) },
    });
    expect(repo.stored).toEqual([]);
  });

  it('when the period holds more of our unlisted records than the limit, then reconciliation_too_large; at the limit it is stored', async () => {
    const charges = memorySource('charge', [record('ch_1', 1n, 1), record('ch_2', 1n, 2), record('ch_3', 1n, 3), record('ch_4', 1n, 4)]);
    const file = [OCP, `ch_1,charge,0.01,USD,0,${at(1).toISOString()}`, `ch_4,charge,0.01,USD,0,${at(4).toISOString()}`].join('\n');
    const tight = service([charges], 1);
    const refusal = await tight.reconciliations.reconcile(ctx, Buffer.from(file)).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'reconciliation_too_large' });
    expect(tight.repo.stored).toEqual([]);
    const enough = service([charges], 2);
    expect((await enough.reconciliations.reconcile(ctx, Buffer.from(file))).counts.missing_theirs).toBe(2);
  });

  it('when everything matches, then nothing is told on the EventBus', async () => {
    const { reconciliations, events } = service([memorySource('charge', [record('ch_1', 1050n, 1)])]);
    await reconciliations.reconcile(ctx, Buffer.from(`${OCP}\nch_1,charge,10.50,USD,0.30,${at(1).toISOString()}`));
    expect(events).toEqual([]);
  });
});
