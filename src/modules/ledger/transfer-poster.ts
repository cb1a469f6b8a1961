import { newId } from '../../infra/crypto/ids';
import { AppError } from '../../shared/errors';
import { newEvent, type EventBus } from '../../shared/events';
import type { WalletMeta } from '../wallet';
import { LedgerRefusal, type PostTransferCommand } from './ledger.repository';
import { transferPostedEvent } from './ledger.events';
import { refusalError } from './ledger.refusals';
import type { PostingQueue } from './posting-queue';
import type { PostedTransfer, PostingOptions } from './ledger.types';

/** What one posting moves, before it gets its ids. */
export interface Posting {
  type: string;
  from: string;
  to: string;
  amount: bigint;
  currency: string;
  description: string | null;
  initiatedBy: string;
  refundOf?: string;
}

/**
 * Posts one transfer through the posting queue, and tells this process's listeners: `transfer.posted`
 * once it is committed (webhooks already got their events through the outbox), `transfer.refused`
 * when the ledger refused it (a refusal comes back as its catalogue error).
 */
export class TransferPoster {
  constructor(
    private readonly postings: PostingQueue,
    private readonly events: EventBus,
  ) {}

  async post(
    p: Posting,
    wallets: ReadonlyMap<string, WalletMeta>,
    { inTx, guard, type, metadata, afterCommit }: PostingOptions,
  ): Promise<PostedTransfer> {
    const command: PostTransferCommand = {
      transferId: newId('trf'),
      type: type ?? p.type,
      fromWalletId: p.from,
      toWalletId: p.to,
      amount: p.amount,
      currency: p.currency,
      debitEntryId: newId('txn'),
      creditEntryId: newId('txn'),
      description: p.description,
      initiatedBy: p.initiatedBy,
      refundOf: p.refundOf ?? null,
      metadata: metadata ?? {},
    };
    try {
      const { posted, events } = await this.postings.submit({ command, wallets, guard, inTx });
      this.events.publish([...events, transferPostedEvent(posted, wallets)]);
      afterCommit?.();
      return posted;
    } catch (error) {
      const refused = error instanceof LedgerRefusal ? refusalError(error.code) : error;
      if (refused instanceof AppError) {
        this.events.publish([newEvent('transfer.refused', p.initiatedBy, { type: command.type, reason: refused.code })]);
      }
      throw refused;
    }
  }
}
