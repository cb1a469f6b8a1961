import type { Transaction, TransactionRunner } from '../../shared/transaction';
import type { DomainEvent } from '../../shared/events';
import { Grouper } from '../../shared/grouper';
import { requestContext } from '../../infra/request-context';
import { tenantGroupScope } from '../../infra/tenant-scope';
import { activeContext, activeSpanContext, activeTraceparent, inSpan, type Context, type SpanContext } from '../../infra/tracing/spans';
import type { WalletMeta } from '../wallet';
import { postingEvents } from './ledger.events';
import {
  LedgerRefusal,
  type LedgerEntry,
  type LedgerRepository,
  type PostedBalances,
  type PostTransferCommand,
  type RefusalCode,
  type Transfer,
} from './ledger.repository';
import type { InTransaction, PostedTransfer, PostingOptions } from './ledger.types';
import type { Outbox } from '../../shared/outbox';

export interface Posting {
  command: PostTransferCommand;
  /** The user wallets of the posting (system accounts are not in it). */
  wallets: ReadonlyMap<string, WalletMeta>;
  guard?: PostingOptions['guard'];
  inTx?: PostingOptions['inTx'];
}

/**
 * Postings written all or none (the legs of a multi-leg transaction): a refusal of any of them
 * refuses the unit, naming the leg, and writes none of them.
 */
export interface PostingUnit {
  commands: readonly PostTransferCommand[];
  /** The user wallets of the unit's postings. */
  wallets: ReadonlyMap<string, WalletMeta>;
  /** Runs in the unit's transaction after the ledger write, with one posted transfer per command. */
  inTx?: InTransaction<PostedTransfer[]>;
}

/** A committed posting and the events its transaction wrote to the outbox. */
export interface Committed {
  posted: PostedTransfer;
  events: DomainEvent[];
}

/** A committed unit: one posted transfer per command, in order, and the events of all of them. */
export interface CommittedUnit {
  posted: PostedTransfer[];
  events: DomainEvent[];
}

/** What waits in the queue: a lone posting is a unit of one command. */
interface Waiting {
  commands: readonly PostTransferCommand[];
  wallets: ReadonlyMap<string, WalletMeta>;
  guard?: PostingOptions['guard'];
  inTx?: InTransaction<PostedTransfer[]>;
  resolve: (committed: CommittedUnit) => void;
  reject: (error: unknown) => void;
  /** Where it was submitted from (tracing): the group's span links to each of its postings' spans. */
  trace: Traced;
}

interface Traced {
  context: Context;
  span?: SpanContext;
  /** Carried by the posting's events, so its webhooks continue its own request's trace. */
  traceparent?: string;
}

function traced(): Traced {
  const span = activeSpanContext();
  const traceparent = activeTraceparent() ?? requestContext.current()?.traceparent;
  return { context: activeContext(), ...(span ? { span } : {}), ...(traceparent ? { traceparent } : {}) };
}

/** A unit of several postings had one refused: its transaction must roll back what the others wrote. */
class UnitRefused extends Error {
  constructor(
    readonly index: number,
    readonly refusal: LedgerRefusal,
  ) {
    super(refusal.code);
  }
}

export interface PostingQueueOptions {
  /**
   * Groups written at the same time, each in its own transaction on its own connection. A second
   * lane opens only while a full group waits, or a guarded posting (which goes alone anyway):
   * otherwise groups of shared wallets would take turns on the row locks, at twice the transactions.
   */
  lanes: number;
  /** Postings in one group at most. */
  groupMax: number;
}

/**
 * Concurrent postings share database transactions (see Grouper): a group is one statement, one
 * transaction and one commit, so under load the cost of a transaction is paid once per group
 * instead of once per posting, and a hot wallet's lock is taken once for all of a group's transfers.
 *
 * A refusal (insufficient funds...) writes nothing and refuses only its own posting. A unit's
 * postings (PostingUnit) go in one group; a refusal of one of them rolls the group back, refuses the
 * unit, and the rest of the group is written again without it. Anything else
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
      { lanes, spareLaneAt: groupMax, alone: goesAlone },
      (waiting) => nextGroup(waiting, groupMax),
      (group) => this.write(group),
      tenantGroupScope,
    );
  }

  /** Postings and units waiting for a lane, for the `ocp_posting_queue_waiting` gauge. */
  get waiting(): number {
    return this.grouper.waitingCount;
  }

  /** Resolves once the posting is committed; rejects with LedgerRefusal or the failure. */
  submit({ command, wallets, guard, inTx }: Posting): Promise<Committed> {
    return new Promise((resolve, reject) =>
      this.grouper.add({
        commands: [command],
        wallets,
        guard,
        inTx: inTx && ((tx, posted) => inTx(tx, posted[0]!)),
        resolve: ({ posted, events }) => resolve({ posted: posted[0]!, events }),
        reject,
        trace: traced(),
      }),
    );
  }

  /**
   * Resolves once all of the unit's postings are committed; rejects with the LedgerRefusal of the
   * first leg refused (its `leg` says which), having written none of them, or with the failure.
   */
  submitUnit(unit: PostingUnit): Promise<CommittedUnit> {
    return new Promise((resolve, reject) => this.grouper.add({ ...unit, resolve, reject, trace: traced() }));
  }

  /**
   * A group's span continues the first posting's trace and links to the span of every posting it
   * carries (requests of other traces): its statements are its children.
   */
  private write(group: Waiting[]): Promise<void> {
    const links = group.flatMap(({ trace }) => (trace.span ? [{ context: trace.span }] : []));
    const attributes = { 'ocp.posting.group_size': group.length, 'ocp.posting.count': group.reduce((n, p) => n + p.commands.length, 0) };
    return inSpan('posting group', { parent: group[0]!.trace.context, links, attributes }, () => this.writeGroup(group));
  }

  private async writeGroup(group: Waiting[]): Promise<void> {
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
      if (error instanceof UnitRefused && !committing) {
        group[error.index]!.reject(error.refusal);
        const rest = group.filter((_, i) => i !== error.index);
        if (rest.length > 0) await this.write(rest);
      } else if (group.length === 1 || committing) for (const posting of group) posting.reject(error);
      else await Promise.all(group.map((posting) => this.write([posting])));
    }
  }

  private async post(tx: Transaction, group: Waiting[]): Promise<Array<CommittedUnit | LedgerRefusal>> {
    for (const posting of group) await posting.guard?.(tx);
    const outcomes = await this.ledger.postTransfers(
      tx,
      group.flatMap((posting) => posting.commands),
    );
    let next = 0;
    const results = group.map((posting): CommittedUnit | LedgerRefusal => {
      const mine = outcomes.slice(next, (next += posting.commands.length));
      const refused = mine.findIndex((outcome) => 'refusal' in outcome);
      if (refused >= 0) {
        const { refusal } = mine[refused] as { refusal: RefusalCode };
        return posting.commands.length === 1 ? new LedgerRefusal(refusal) : new LedgerRefusal(refusal, refused);
      }
      const posted = posting.commands.map((command, i) => toPostedTransfer(command, mine[i] as PostedBalances, posting.wallets));
      const { traceparent } = posting.trace;
      const events = posted
        .flatMap((p) => postingEvents(p, posting.wallets))
        .map((event) => (traceparent ? { ...event, traceparent } : event));
      return { posted, events };
    });
    const refusal = results.find((result) => result instanceof LedgerRefusal);
    if (refusal && group.some((posting) => posting.guard)) throw refusal;
    // A refused unit's other legs are written by now: only a rollback takes them back.
    const refusedUnit = results.findIndex((result, i) => result instanceof LedgerRefusal && group[i]!.commands.length > 1);
    if (refusedUnit >= 0) throw new UnitRefused(refusedUnit, results[refusedUnit] as LedgerRefusal);
    const committed = results.filter((result): result is CommittedUnit => !(result instanceof LedgerRefusal));
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
export async function settleAll(writes: Array<Promise<unknown> | undefined>, transactions: TransactionRunner): Promise<void> {
  const issued = writes.filter((write): write is Promise<unknown> => write !== undefined);
  const failures = (await Promise.allSettled(issued))
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => r.reason as unknown);
  if (failures.length > 0) throw failures.find((error) => !transactions.isAfterEarlierFailure(error)) ?? failures[0];
}

/** A guarded posting: its guard's writes must roll back with its refusal, and no one else's. */
function goesAlone(posting: Waiting): boolean {
  return posting.guard !== undefined;
}

/**
 * A guarded posting goes alone (goesAlone). A group holds at most groupMax postings, counting each
 * of a unit's (a unit larger than that goes alone, whole).
 */
function nextGroup(waiting: Waiting[], groupMax: number): Waiting[] {
  if (goesAlone(waiting[0]!)) return waiting.splice(0, 1);
  let size = 1;
  let postings = waiting[0]!.commands.length;
  while (size < waiting.length && !goesAlone(waiting[size]!) && postings + waiting[size]!.commands.length <= groupMax) {
    postings += waiting[size]!.commands.length;
    size++;
  }
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
