import { newEvent, type DomainEvent } from '../../shared/events';
import type { WalletMeta } from '../wallet';
import type { PostedTransfer, TransferPosted } from './ledger.types';

/**
 * `transfer.posted`, for in-process listeners only (metrics, monitoring, auto top-up): it may carry
 * what no single webhook receiver should see (the sender's new balance).
 */
export function transferPostedEvent(posted: PostedTransfer, wallets: ReadonlyMap<string, WalletMeta>): DomainEvent {
  const { transfer, debit } = posted;
  const summary: TransferPosted = {
    transferId: transfer.id,
    type: transfer.type,
    currency: transfer.currency,
    amount: transfer.amount.toString(),
    fromWalletId: transfer.fromWalletId,
    fromUserWallet: wallets.has(transfer.fromWalletId),
    fromBalance: debit.balanceAfter.toString(),
    createdAt: transfer.createdAt.toISOString(),
  };
  return newEvent('transfer.posted', transfer.initiatedBy, summary);
}

/**
 * The events one posting tells: the transfer (or refund) to each user involved, each user
 * wallet's new balance, and balance.low when a balance crosses below its wallet's threshold.
 */
export function postingEvents(posted: PostedTransfer, wallets: ReadonlyMap<string, WalletMeta>): DomainEvent[] {
  const { transfer, debit, credit } = posted;
  const summary = {
    transferId: transfer.id,
    type: transfer.type,
    amount: transfer.amount.toString(),
    currency: transfer.currency,
    fromWalletId: transfer.fromWalletId,
    toWalletId: transfer.toWalletId,
    refundOf: transfer.refundOf,
  };
  const kind = transfer.type === 'refund' ? 'refund.completed' : 'transfer.completed';
  const events: DomainEvent[] = [];
  const owners = new Set<string>();
  for (const entry of [debit, credit]) {
    const wallet = wallets.get(entry.walletId);
    if (!wallet) continue; // a system account: no owner to tell
    if (!owners.has(wallet.userId)) {
      owners.add(wallet.userId);
      events.push(newEvent(kind, wallet.userId, summary));
    }
    const balance = { walletId: wallet.id, currency: wallet.currency, balance: entry.balanceAfter.toString() };
    events.push(newEvent('balance.changed', wallet.userId, { ...balance, transferId: transfer.id }));
    const threshold = wallet.lowBalanceThreshold;
    const before = entry.balanceAfter - entry.amount;
    if (threshold !== null && entry.balanceAfter < threshold && before >= threshold) {
      events.push(newEvent('balance.low', wallet.userId, { ...balance, threshold: threshold.toString() }));
    }
  }
  return events;
}
