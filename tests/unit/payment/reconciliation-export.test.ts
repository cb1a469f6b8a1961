import type { ReconciliationItem } from '../../../src/modules/payment/reconciliation/reconciliation.repository';
import type { ReconciliationService } from '../../../src/modules/payment/reconciliation/reconciliation.service';
import { EXPORT_HEADER, exportItemsCsv } from '../../../src/modules/payment/reconciliation/reconciliation-export';

const at = new Date('2026-12-01T10:00:00.000Z');

/** The service's item pages, as the export reads them (2 items a page, to cross a page). */
function pages(items: ReconciliationItem[]): ReconciliationService {
  return {
    items: async (_id: string, _result: unknown, _limit: number, after?: number) => {
      const rest = items.filter((item) => after === undefined || item.seq > after);
      const data = rest.slice(0, 2);
      return { data, nextSeq: rest.length > 2 ? data.at(-1)!.seq : null };
    },
  } as unknown as ReconciliationService;
}

describe('the reconciliation items export (items.csv)', () => {
  it('when items are matched, differ, or miss one side, then each is one line with the missing side empty, across pages', async () => {
    const theirs = { line: 2, amountMinor: 1_050n, currency: 'USD', feeMinor: 30n, occurredAt: at };
    const ours = { id: 'chg_1', amountMinor: 1_050n, currency: 'USD', occurredAt: at };
    const csv = await exportItemsCsv(
      pages([
        { seq: 1, kind: 'charge', result: 'matched', processorId: 'ch_1', theirs, ours },
        {
          seq: 2,
          kind: 'charge',
          result: 'amount_mismatch',
          processorId: 'ch_2',
          theirs,
          ours: { ...ours, id: 'chg_2', amountMinor: 1_000n },
        },
        { seq: 3, kind: 'refund', result: 'missing_ours', processorId: 're_3', theirs, ours: null },
        { seq: 4, kind: 'payout', result: 'missing_theirs', processorId: 'po_4', theirs: null, ours: { ...ours, id: 'pyo_4' } },
      ] as ReconciliationItem[]),
      'rcn_1',
    );
    expect(csv.split('\n')).toEqual([
      EXPORT_HEADER.join(','),
      '1,charge,matched,ch_1,2,10.50,USD,0.30,2026-12-01T10:00:00.000Z,chg_1,10.50,USD,2026-12-01T10:00:00.000Z',
      '2,charge,amount_mismatch,ch_2,2,10.50,USD,0.30,2026-12-01T10:00:00.000Z,chg_2,10.00,USD,2026-12-01T10:00:00.000Z',
      '3,refund,missing_ours,re_3,2,10.50,USD,0.30,2026-12-01T10:00:00.000Z,,,,',
      '4,payout,missing_theirs,po_4,,,,,,pyo_4,10.50,USD,2026-12-01T10:00:00.000Z',
      '',
    ]);
  });
});
