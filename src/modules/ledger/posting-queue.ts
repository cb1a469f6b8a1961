import type { Transaction, TransactionRunner } from '../../shared/transaction';
import type { DomainEvent } from '../../shared/events';
import { Grouper } from '../../shared/grouper';
import type { WalletMeta } from '../wallet';
import { postingEvents } from './ledger.events';
import {
  LedgerRefusal,
  type LedgerEntry,
  type LedgerRepository,
  type PostedBalances,
  type PostTransferCommand,
  type Transfer,
} from './ledger.repository';
import type { PostedTransfer, PostingOptions } from './ledger.types';
import type { Outbox } from '../../shared/outbox';

export interface Posting {
  command: PostTransferCommand;
  /** The user wallets of the posting (system accounts are not in it). */
  wallets: ReadonlyMap<string, WalletMeta>;
  guard?: PostingOptions['guard'];
  inTx?: PostingOptions['inTx'];
}

/** A committed posting and the events its transaction wrote to the outbox. */
export interface Committed {
  posted: PostedTransfer;
  events: DomainEvent[];
}

interface Waiting extends Posting {
  resolve: (committed: Committed) => void;
  reject: (error: unknown) => void;
}

export interface PostingQueueOptions {
  /** Groups written at the same time, each in its own transaction on its own connection. */
  lanes: number;
  /** Postings in one group at most. */
  groupMax: number;
}

/**
 * Concurrent postings share database transactions (see Grouper): a group is one statement, one
 * transaction and one commit, so under load the cost of a transaction is paid once per group
 * instead of once per posting, and a hot wallet's lock is taken once for all of a group's transfers.
 *
 * A refusal (insufficient funds...) writes nothing and refuses only its own posting. Anything else
 * that fails in a group's transaction (an idempotency key taken meanwhile, a broken trigger) rolls
 * the whole group back, and each of its postings is then written again on its own, so it fails
 * alone. A failed COMMIT is the exception: whether it took effect is unknown, so its postings fail
 * and are not written again (their clients retry under their idempotency keys).
 */
export class PostingQueue {
  private readonly grouper: Grouper<Waiting>;

  constructor(
    private readonly db: TransactionRunner,
    private readonly ledger: LedgerRepository,
    private readonly outbox: Outbox,
    { lanes, groupMax }: PostingQueueOptions = { lanes: 2, groupMax: 64 },
  ) {
    this.grouper = new Grouper(
      lanes,
      (waiting) => nextGroup(waiting, groupMax),
      (group) => this.write(group),
    );
  }

  /** Resolves once the posting is committed; rejects with LedgerRefusal or the failure. */
  submit(posting: Posting): Promise<Committed> {
    return new Promise((resolve, reject) => this.grouper.add({ ...posting, resolve, reject }));
  }

  private async write(group: Waiting[]): Promise<void> {
    let committing = false;
    try {
      const outcomes = await this.db.transactionWithRetry(async (tx) => {
        committing = false;
        const result = await this.post(tx, group);
        committing = true;
        return result;
      });
      outcomes.forEach((outcome, i) => (outcome instanceof LedgerRefusal ? group[i]!.reject(outcome) : group[i]!.resolve(outcome)));
    } catch (error) {
      if (group.length === 1 || committing) for (const posting of group) posting.reject(error);
      else await Promise.all(group.map((posting) => this.write([posting])));
    }
  }

  private async post(tx: Transaction, group: Waiting[]): Promise<Array<Committed | LedgerRefusal>> {
    for (const posting of group) await posting.guard?.(tx);
    const outcomes = await this.ledger.postTransfers(
      tx,
      group.map((posting) => posting.command),
    );
    const results = outcomes.map((outcome, i): Committed | LedgerRefusal => {
      const posting = group[i]!;
      if ('refusal' in outcome) return new LedgerRefusal(outcome.refusal);
      const posted = toPostedTransfer(posting.command, outcome, posting.wallets);
      return { posted, events: postingEvents(posted, posting.wallets) };
    });
    const refusal = results.find((result) => result instanceof LedgerRefusal);
    if (refusal && group.some((posting) => posting.guard)) throw refusal;
    const committed = results.filter((result): result is Committed => !(result instanceof LedgerRefusal));
    // Side by side: on PostgreSQL all of these writes go out in one round trip.
    await settleAll(
      [
        this.outbox.enqueue(
          tx,
          committed.flatMap((c) => c.events),
        ),
        ...group.map((posting, i) => {
          const result = results[i]!;
          return result instanceof LedgerRefusal ? undefined : posting.inTx?.(tx, result.posted);
        }),
      ],
      this.db,
    );
    return results;
  }
}

/**
 * Waits for writes issued side by side in one transaction and throws the failure that explains
 * it: once one statement fails, the ones queued behind it fail only because the transaction is
 * aborted, and whichever rejection came first would otherwise hide the cause (a 500 instead of the
 * 409 of a duplicate).
 */
async function settleAll(writes: Array<Promise<unknown> | undefined>, transactions: TransactionRunner): Promise<void> {
  const issued = writes.filter((write): write is Promise<unknown> => write !== undefined);
  const failures = (await Promise.allSettled(issued))
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => r.reason as unknown);
  if (failures.length > 0) throw failures.find((error) => !transactions.isAfterEarlierFailure(error)) ?? failures[0];
}

/** A guarded posting goes alone: its guard's writes must roll back with its refusal, and no one else's. */
function nextGroup(waiting: Waiting[], groupMax: number): Waiting[] {
  if (waiting[0]!.guard) return waiting.splice(0, 1);
  let size = 1;
  while (size < waiting.length && size < groupMax && !waiting[size]!.guard) size++;
  return waiting.splice(0, size);
}

function toPostedTransfer(c: PostTransferCommand, b: PostedBalances, wallets: ReadonlyMap<string, WalletMeta>): PostedTransfer {
  const transfer: Transfer = {
    id: c.transferId,
    type: c.type,
    status: 'completed',
    amount: c.amount,
    currency: c.currency,
    fromWalletId: c.fromWalletId,
    toWalletId: c.toWalletId,
    refundOf: c.refundOf,
    refundedAmount: 0n,
    description: c.description,
    initiatedBy: c.initiatedBy,
    metadata: c.metadata,
    createdAt: b.postedAt,
  };
  const entry = (id: string, walletId: string, amount: bigint, balanceAfter: bigint, counterparty: string): LedgerEntry => ({
    id,
    transferId: c.transferId,
    walletId,
    walletUserId: wallets.get(walletId)?.userId ?? null,
    amount,
    balanceAfter,
    currency: c.currency,
    counterpartyWalletId: counterparty,
    createdAt: b.postedAt,
    transfer,
  });
  return {
    transfer,
    debit: entry(c.debitEntryId, c.fromWalletId, -c.amount, b.debitBalance, c.toWalletId),
    credit: entry(c.creditEntryId, c.toWalletId, c.amount, b.creditBalance, c.fromWalletId),
  };
}
