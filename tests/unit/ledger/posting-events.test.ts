import { postingEvents } from '../../../src/modules/ledger/ledger.events';
import type { LedgerEntry, Transfer } from '../../../src/modules/ledger/ledger.repository';
import type { PostedTransfer } from '../../../src/modules/ledger/ledger.types';
import type { WalletMeta } from '../../../src/modules/wallet/wallet-directory';

const at = new Date('2026-04-08T12:00:00.000Z');

/** A posting of `amount` from `from` to `to`, with the balances each side is left with. */
function posting(
  { amount, fromBalance, toBalance, type = 'transfer' }: { amount: bigint; fromBalance: bigint; toBalance: bigint; type?: string },
  from = 'wal_a',
  to = 'wal_b',
): PostedTransfer {
  const transfer: Transfer = {
    id: 'trf_1',
    type,
    status: 'completed',
    amount,
    currency: 'USD',
    fromWalletId: from,
    toWalletId: to,
    refundOf: type === 'refund' ? 'trf_0' : null,
    refundedAmount: 0n,
    description: null,
    initiatedBy: 'usr_a',
    metadata: {},
    createdAt: at,
  };
  const entry = (id: string, walletId: string, signed: bigint, balanceAfter: bigint, counterparty: string): LedgerEntry => ({
    id,
    transferId: transfer.id,
    walletId,
    walletUserId: null,
    amount: signed,
    balanceAfter,
    currency: 'USD',
    counterpartyWalletId: counterparty,
    createdAt: at,
    transfer,
  });
  return { transfer, debit: entry('txn_d', from, -amount, fromBalance, to), credit: entry('txn_c', to, amount, toBalance, from) };
}

const wallet = (id: string, userId: string, lowBalanceThreshold: bigint | null = null): WalletMeta => ({
  id,
  userId,
  currency: 'USD',
  lowBalanceThreshold,
});
const walletsOf = (...list: WalletMeta[]) => new Map(list.map((w) => [w.id, w]));
const summary = {
  transferId: 'trf_1',
  type: 'transfer',
  amount: '300',
  currency: 'USD',
  fromWalletId: 'wal_a',
  toWalletId: 'wal_b',
  refundOf: null,
};

/** Type, owner and data of each event, in order (ids and times are random). */
const told = (posted: PostedTransfer, wallets: ReadonlyMap<string, WalletMeta>) =>
  postingEvents(posted, wallets).map(({ type, ownerId, data }) => ({ type, ownerId, data }));

describe('posting events', () => {
  it('when money moves between two users, then each is told of the transfer and of their own new balance', () => {
    const events = told(
      posting({ amount: 300n, fromBalance: 700n, toBalance: 300n }),
      walletsOf(wallet('wal_a', 'usr_a'), wallet('wal_b', 'usr_b')),
    );
    expect(events).toEqual([
      { type: 'transfer.completed', ownerId: 'usr_a', data: summary },
      { type: 'balance.changed', ownerId: 'usr_a', data: { walletId: 'wal_a', currency: 'USD', balance: '700', transferId: 'trf_1' } },
      { type: 'transfer.completed', ownerId: 'usr_b', data: summary },
      { type: 'balance.changed', ownerId: 'usr_b', data: { walletId: 'wal_b', currency: 'USD', balance: '300', transferId: 'trf_1' } },
    ]);
  });

  it('when both wallets have one owner, then the owner is told of the transfer once and of both balances', () => {
    const events = told(
      posting({ amount: 300n, fromBalance: 700n, toBalance: 300n }),
      walletsOf(wallet('wal_a', 'usr_a'), wallet('wal_b', 'usr_a')),
    );
    expect(events.map((e) => `${e.type} ${e.ownerId}`)).toEqual([
      'transfer.completed usr_a',
      'balance.changed usr_a',
      'balance.changed usr_a',
    ]);
  });

  it('when the posting is a refund, then the users are told of a completed refund pointing at the original', () => {
    const events = told(
      posting({ amount: 300n, fromBalance: 0n, toBalance: 300n, type: 'refund' }),
      walletsOf(wallet('wal_a', 'usr_a'), wallet('wal_b', 'usr_b')),
    );
    expect(events.filter((e) => e.type === 'refund.completed')).toHaveLength(2);
    expect(events.some((e) => e.type === 'transfer.completed')).toBe(false);
    expect(events[0]!.data).toMatchObject({ type: 'refund', refundOf: 'trf_0' });
  });

  it('when one side is a system account, then only the user wallet is told anything', () => {
    const events = told(
      posting({ amount: 300n, fromBalance: -300n, toBalance: 300n }, 'sys_funding', 'wal_b'),
      walletsOf(wallet('wal_b', 'usr_b')),
    );
    expect(events.map((e) => `${e.type} ${e.ownerId}`)).toEqual(['transfer.completed usr_b', 'balance.changed usr_b']);
  });

  it('when a debit takes the balance from the threshold to below it, then balance.low is told with the threshold', () => {
    const wallets = walletsOf(wallet('wal_a', 'usr_a', 500n), wallet('wal_b', 'usr_b'));
    const events = told(posting({ amount: 1n, fromBalance: 499n, toBalance: 1n }), wallets);
    expect(events.filter((e) => e.type === 'balance.low')).toEqual([
      { type: 'balance.low', ownerId: 'usr_a', data: { walletId: 'wal_a', currency: 'USD', balance: '499', threshold: '500' } },
    ]);
  });

  it('when a debit leaves the balance exactly at the threshold, or it was already below, then balance.low is not told again', () => {
    const wallets = walletsOf(wallet('wal_a', 'usr_a', 500n), wallet('wal_b', 'usr_b'));
    const lows = (amount: bigint, fromBalance: bigint) =>
      told(posting({ amount, fromBalance, toBalance: amount }), wallets).filter((e) => e.type === 'balance.low');
    expect(lows(100n, 500n)).toEqual([]);
    expect(lows(1n, 498n)).toEqual([]);
    expect(lows(100n, 400n)).toHaveLength(1);
  });

  it('when a credit lands on a wallet below its threshold, or a wallet has no threshold, then balance.low is not told', () => {
    const wallets = walletsOf(wallet('wal_a', 'usr_a'), wallet('wal_b', 'usr_b', 500n));
    expect(told(posting({ amount: 100n, fromBalance: 0n, toBalance: 200n }), wallets).some((e) => e.type === 'balance.low')).toBe(false);
  });

  it('when a wallet has no threshold, then balance.low is never told, even for a debit that takes it below zero', () => {
    const wallets = walletsOf(wallet('wal_a', 'usr_a'), wallet('wal_b', 'usr_b'));
    expect(told(posting({ amount: 100n, fromBalance: -1n, toBalance: 100n }), wallets).some((e) => e.type === 'balance.low')).toBe(false);
  });
});
