import type { LedgerEntry, Transfer } from '../../../src/modules/ledger/ledger.repository';
import { idParams } from '../../../src/http/params';
import {
  adjustmentBody,
  historyQuery,
  refundBody,
  toPostedTransferView,
  toTransactionView,
  toTransferView,
  transferBody,
  TRANSFER_STATUSES,
} from '../../../src/modules/ledger/ledger.schemas';

const at = new Date('2026-04-08T12:00:00.000Z');
const transfer: Transfer = {
  id: 'trf_1',
  type: 'transfer',
  status: 'completed',
  amount: 1050n,
  currency: 'USD',
  fromWalletId: 'wal_a',
  toWalletId: 'wal_b',
  refundOf: null,
  refundedAmount: 50n,
  description: 'rent',
  initiatedBy: 'usr_a',
  metadata: { secret: 'x' },
  createdAt: at,
};
const entry = (id: string, walletId: string, amount: bigint, balanceAfter: bigint, counterparty: string): LedgerEntry => ({
  id,
  transferId: 'trf_1',
  walletId,
  walletUserId: 'usr_a',
  amount,
  balanceAfter,
  currency: 'USD',
  counterpartyWalletId: counterparty,
  createdAt: at,
  transfer,
});
const debit = entry('txn_d', 'wal_a', -1050n, 0n, 'wal_b');
const credit = entry('txn_c', 'wal_b', 1050n, 1050n, 'wal_a');

describe('ledger views', () => {
  it('when a transfer is shown, then amounts are strings of minor units and who initiated it and its metadata stay inside', () => {
    expect(toTransferView(transfer)).toEqual({
      id: 'trf_1',
      type: 'transfer',
      status: 'completed',
      amount: '1050',
      currency: 'USD',
      fromWalletId: 'wal_a',
      toWalletId: 'wal_b',
      refundOf: null,
      refundedAmount: '50',
      description: 'rent',
      createdAt: '2026-04-08T12:00:00.000Z',
    });
  });

  it('when an entry is shown, then a negative amount is a debit and a positive one a credit, both as positive amounts', () => {
    expect(toTransactionView(debit)).toEqual({
      id: 'txn_d',
      transferId: 'trf_1',
      walletId: 'wal_a',
      type: 'transfer',
      direction: 'debit',
      amount: '1050',
      currency: 'USD',
      status: 'completed',
      balanceAfter: '0',
      counterpartyWalletId: 'wal_b',
      description: 'rent',
      refundOf: null,
      createdAt: '2026-04-08T12:00:00.000Z',
    });
    expect(toTransactionView(credit)).toMatchObject({ direction: 'credit', amount: '1050', balanceAfter: '1050' });
    expect(toTransactionView(entry('txn_m', 'wal_a', -(10n ** 15n), -1n, 'wal_b'))).toMatchObject({
      direction: 'debit',
      amount: '1000000000000000',
      balanceAfter: '-1',
    });
  });

  it('when a posted transfer is shown, then it has both sides, and the card refund only when one is owed', () => {
    const view = toPostedTransferView({ transfer, debit, credit });
    expect(view).toEqual({ transfer: toTransferView(transfer), debit: toTransactionView(debit), credit: toTransactionView(credit) });
    expect('externalRefund' in view).toBe(false);
    const refunded = toPostedTransferView({ transfer, debit, credit, externalRefund: { id: 'crf_1', status: 'pending' } });
    expect(refunded.externalRefund).toEqual({ id: 'crf_1', status: 'pending' });
  });
});

describe('ledger request schemas', () => {
  const transfer = { fromWalletId: 'wal_a', toWalletId: 'wal_b', amount: '1050' };

  it('when a transfer request is well formed, then its amount is minor units and its description is trimmed', () => {
    expect(transferBody.parse({ ...transfer, currency: 'USD', description: '  rent  ' })).toEqual({
      ...transfer,
      amount: 1050n,
      currency: 'USD',
      description: 'rent',
    });
  });

  it('when a transfer request has an unknown field, an empty or 65-character wallet id or a 501-character description, then it is refused', () => {
    for (const bad of [
      { ...transfer, fee: '1' },
      { ...transfer, fromWalletId: '' },
      { ...transfer, toWalletId: 'w'.repeat(65) },
      { ...transfer, description: 'd'.repeat(501) },
      { ...transfer, currency: 'usd' },
      { ...transfer, amount: '0' },
    ]) {
      expect(transferBody.safeParse(bad).success).toBe(false);
    }
    expect(transferBody.safeParse({ ...transfer, toWalletId: 'w'.repeat(64), description: 'd'.repeat(500) }).success).toBe(true);
  });

  it('when a refund gives no amount, then it means the rest; a reason of only spaces is refused', () => {
    expect(refundBody.parse({ reason: ' duplicate ' })).toEqual({ reason: 'duplicate' });
    expect(refundBody.parse({ amount: '1', reason: 'x' })).toEqual({ amount: 1n, reason: 'x' });
    for (const bad of [{ reason: '   ' }, { reason: 'r'.repeat(501) }, { reason: 'x', extra: 1 }, { amount: '0', reason: 'x' }]) {
      expect(refundBody.safeParse(bad).success).toBe(false);
    }
  });

  it('when an adjustment is a debit or a credit with a reason, then it passes; zero or no reason is refused', () => {
    expect(adjustmentBody.parse({ amount: '-500', reason: ' chargeback ' })).toEqual({ amount: -500n, reason: 'chargeback' });
    for (const bad of [
      { amount: '0', reason: 'x' },
      { amount: '5', reason: ' ' },
      { amount: '5', reason: 'x', by: 'me' },
    ]) {
      expect(adjustmentBody.safeParse(bad).success).toBe(false);
    }
  });

  it('when history is filtered, then the type is a lower-case name of at most 40 characters and the status a known one', () => {
    expect(TRANSFER_STATUSES).toEqual(['pending', 'completed', 'failed', 'reversed']);
    expect(historyQuery.parse({ type: 'card_funding_2', status: 'reversed', from: '2026-04-08T00:00:00Z' })).toMatchObject({
      type: 'card_funding_2',
      status: 'reversed',
      from: new Date('2026-04-08T00:00:00Z'),
    });
    expect(historyQuery.safeParse({ type: 't'.repeat(40) }).success).toBe(true);
    for (const bad of [
      { type: 't'.repeat(41) },
      { type: 'Transfer' },
      { type: '' },
      { type: 'x;drop' },
      { type: ';x' },
      { status: 'lost' },
      { sort: 'amount' },
    ]) {
      expect(historyQuery.safeParse(bad).success).toBe(false);
    }
  });

  it('when an id is empty or longer than 64 characters, then it is refused', () => {
    expect(idParams.safeParse({ id: 'txn_1' }).success).toBe(true);
    expect(idParams.safeParse({ id: '' }).success).toBe(false);
    expect(idParams.safeParse({ id: 'i'.repeat(65) }).success).toBe(false);
  });
});
