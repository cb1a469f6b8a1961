import { SettlementFileProblem } from '../../../src/modules/payment/reconciliation/csv-records';
import { readSettlementFile } from '../../../src/modules/payment/reconciliation/settlement-file';

const read = (text: string) => readSettlementFile(Buffer.from(text));
const OCP = 'id,type,amount,currency,fee,date';
const STRIPE = 'id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Available On (UTC),Description';

function problem(text: string): SettlementFileProblem {
  try {
    read(text);
  } catch (error) {
    if (error instanceof SettlementFileProblem) return error;
    throw error;
  }
  throw new Error('the file was accepted');
}

describe('readSettlementFile', () => {
  it('when an OCP file has amounts for currencies of 0, 2 and 3 decimals, then each is converted to minor units exactly', () => {
    const file = read(
      [
        OCP,
        'ch_1,charge,10.50,USD,0.30,2026-12-01',
        'ch_2,charge,1050,JPY,0,2026-12-01T10:00:00+09:00',
        're_1,refund,1.005,KWD,0,2026-12-01T10:00:00.5Z',
      ].join('\n'),
    );
    expect(file.rows.map((r) => [r.processorId, r.amountMinor, r.currency, r.feeMinor, r.occurredAt.toISOString()])).toEqual([
      ['ch_1', 1050n, 'USD', 30n, '2026-12-01T00:00:00.000Z'],
      ['ch_2', 1050n, 'JPY', 0n, '2026-12-01T01:00:00.000Z'],
      ['re_1', 1005n, 'KWD', 0n, '2026-12-01T10:00:00.500Z'],
    ]);
  });

  it('when a quoted field spans lines, then the rows after it keep their own line numbers', () => {
    const file = read(
      [
        STRIPE,
        'txn_1,charge,ch_1,1.00,0,1.00,usd,2026-12-01 10:00,2026-12-03 00:00,"two\nlines, ""quoted"""',
        'txn_2,charge,ch_2,2.00,0,2.00,usd,2026-12-01 10:00,2026-12-03 00:00,x',
      ].join('\n'),
    );
    expect(file.rows.map((r) => r.line)).toEqual([2, 4]);
    expect(problem([OCP, 'ch_1,charge,1.00,USD,0,"2026-12-01', '', 'x'].join('\n')).line).toBe(2);
  });

  it('when a Stripe export lists payouts and refunds as negative, then they are read as sizes; a returned fee keeps its sign', () => {
    const file = read(
      [
        STRIPE,
        'txn_1,payout,po_1,-96.22,0.00,-96.22,usd,2026-12-05 14:03,2026-12-05 00:00,STRIPE PAYOUT',
        'txn_2,payment_refund,re_9,-2.50,-0.10,-2.40,eur,2026-12-05 14:03:09,2026-12-05 00:00,x',
      ].join('\n'),
    );
    expect(file.rows.map((r) => [r.kind, r.amountMinor, r.currency, r.feeMinor])).toEqual([
      ['payout', 9622n, 'USD', 0n],
      ['refund', 250n, 'EUR', -10n],
    ]);
    expect(problem([STRIPE, 'txn_1,charge,ch_1,-1.00,0,-1.00,usd,2026-12-01 10:00,2026-12-03 00:00,x'].join('\n')).reason).toMatch(
      /negative/,
    );
  });

  it('when dates are past the calendar or the range, then the line is refused', () => {
    for (const date of [
      '2026-13-01',
      '2025-02-29',
      '2026-12-01T10:60:00Z',
      '0000-01-01',
      '2026-12-01T10:00:00+24:00',
      '2026-12-01 10:00',
    ]) {
      expect(problem(`${OCP}\nch_1,charge,1.00,USD,0,${date}`)).toMatchObject({ line: 2 });
    }
    expect(read(`${OCP}\nch_1,charge,1.00,USD,0,2024-02-29`).rows[0]!.occurredAt.toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('when a charge and a refund share an id, then both are kept; the same kind twice is refused', () => {
    expect(read(`${OCP}\nx_1,charge,1.00,USD,0,2026-12-01\nx_1,refund,1.00,USD,0,2026-12-01`).rows).toHaveLength(2);
    expect(problem(`${OCP}\nx_1,charge,1.00,USD,0,2026-12-01\nx_1,charge,1.00,USD,0,2026-12-01`)).toMatchObject({ line: 3 });
  });

  it('when a field is unbounded or an id is not an id, then the line is refused', () => {
    expect(problem(`${OCP}\nch_1,charge,1.00,USD,0,2026-12-01\n${'a'.repeat(1001)},charge,1.00,USD,0,2026-12-01`)).toMatchObject({
      line: 3,
    });
    expect(problem(`${OCP}\n=cmd(),charge,1.00,USD,0,2026-12-01`)).toMatchObject({ line: 2, reason: expect.stringMatching(/id/) });
    expect(problem(`${OCP}\nch_1,charge,1.00,usd,0,2026-12-01`)).toMatchObject({ line: 2, reason: expect.stringMatching(/currency/) });
  });

  it('when a Stripe export has only fees and transfers, then it is refused: nothing to reconcile', () => {
    expect(problem(`${STRIPE}\ntxn_1,stripe_fee,,-2.00,0,-2.00,usd,2026-12-01 10:00,2026-12-03 00:00,fee`)).toMatchObject({
      line: 1,
      reason: expect.stringMatching(/no row/),
    });
  });
});
