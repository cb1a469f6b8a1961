import { newId } from '../../infra/crypto/ids';
import { AppError, NotFound, ValidationFailed } from '../../shared/errors';
import { newEvent, type EventBus } from '../../shared/events';
import type { Metadata, MetadataFilter } from '../../shared/metadata';
import { toPage, type Cursor, type Page } from '../../shared/pagination';
import type { Principal } from '../../shared/principal';
import type { WalletDirectory, WalletMeta } from '../wallet';
import { transferPostedEvent } from './ledger.events';
import { refusalError } from './ledger.refusals';
import { LedgerRefusal, type PostTransferCommand, type Transfer } from './ledger.repository';
import type { InTransaction, MovementScreen } from './ledger.types';
import type { PostingQueue } from './posting-queue';
import type { TransferRecord, TransferRecords } from './transfer-records.repository';

export const MULTI_LEG_TYPE = 'multi_leg';
export const LEGS_MIN = 2;
export const LEGS_MAX = 50;

export interface LegRequest {
  fromWalletId: string;
  toWalletId: string;
  amount: bigint;
  currency: string;
}

export interface MultiLegRequest {
  legs: readonly LegRequest[];
  description?: string;
  metadata?: Metadata;
}

export interface MultiLegTransaction {
  id: string;
  description: string | null;
  metadata: Record<string, unknown>;
  initiatedBy: string;
  createdAt: Date;
  /** The legs the caller may see (all of them for the initiator), each with its position. */
  legs: Array<{ leg: number; transfer: Transfer }>;
}

/**
 * Multi-leg transactions: 2 to 50 transfers between user wallets posted all or none, e.g. a sale
 * split between the seller, the platform's fee and tax. Each leg is an ordinary transfer (type
 * multi_leg) with its own two entries and events; the legs share one id (mlt_…).
 */
export class MultiLegTransactions {
  constructor(
    private readonly postings: PostingQueue,
    private readonly directory: WalletDirectory,
    private readonly records: TransferRecords,
    private readonly events: EventBus,
    /** The ledger's movement screen, once registered (read at each posting). */
    private readonly screen: () => MovementScreen | undefined = () => undefined,
  ) {}

  /**
   * Posts every leg or none: each leg is checked, under the row locks, against the balances the
   * legs before it left. The caller must own the source wallet of every leg (a service: any user
   * wallet). A refusal names the leg (details.leg, from 0). Errors: same_wallet (400),
   * currency_mismatch (400), wallet_not_found (404), wallet_not_active (409),
   * insufficient_funds (422), amount_out_of_range (422), risk_refused (422: a leg's risk score).
   */
  async post(principal: Principal, request: MultiLegRequest, inTx?: InTransaction<MultiLegTransaction>): Promise<MultiLegTransaction> {
    const wallets = await this.checkedWallets(principal, request.legs);
    // Every leg is screened before any moves; one refusal refuses the unit.
    const screen = this.screen();
    const verdicts = screen
      ? await Promise.all(request.legs.map((leg) => screen.screen({ kind: 'multi_leg', ...leg, initiatedBy: principal.sub })))
      : [];
    // Without onHeld the screen never holds: it allows or refuses.
    const records = verdicts.map((v) => {
      if ('held' in v) throw new Error('a multi-leg leg was held for review');
      return v;
    });
    const id = newId('mlt');
    const commands = request.legs.map((leg): PostTransferCommand => ({
      transferId: newId('trf'),
      type: MULTI_LEG_TYPE,
      fromWalletId: leg.fromWalletId,
      toWalletId: leg.toWalletId,
      amount: leg.amount,
      currency: leg.currency,
      debitEntryId: newId('txn'),
      creditEntryId: newId('txn'),
      description: request.description ?? null,
      initiatedBy: principal.sub,
      refundOf: null,
      metadata: request.metadata ?? {},
    }));
    const transaction = (transfers: Transfer[]): MultiLegTransaction => ({
      id,
      description: request.description ?? null,
      metadata: request.metadata ?? {},
      initiatedBy: principal.sub,
      createdAt: transfers[0]!.createdAt,
      legs: transfers.map((transfer, leg) => ({ leg, transfer })),
    });
    try {
      const { posted, events } = await this.postings.submitUnit({
        commands,
        wallets,
        inTx: async (tx, legs) => {
          for (const [i, record] of records.entries()) await record.post(tx, legs[i]!.transfer.id);
          await this.records.attachToJournal(
            tx,
            id,
            legs.map((p) => p.transfer.id),
          );
          await inTx?.(tx, transaction(legs.map((p) => p.transfer)));
        },
      });
      this.events.publish([...events, ...posted.map((p) => transferPostedEvent(p, wallets))]);
      for (const record of records) record.committed?.();
      return transaction(posted.map((p) => p.transfer));
    } catch (error) {
      const refused = error instanceof LedgerRefusal ? refusalError(error.code, { leg: error.leg ?? 0 }) : error;
      if (refused instanceof AppError) {
        this.events.publish([newEvent('transfer.refused', principal.sub, { type: MULTI_LEG_TYPE, reason: refused.code })]);
      }
      throw refused;
    }
  }

  /**
   * One multi-leg transaction: all of its legs for the one who posted it (and services), only the
   * legs that touch their wallets for the other parties.
   * Errors: transaction_not_found (404), also when none of it is the caller's.
   */
  async get(principal: Principal, id: string): Promise<MultiLegTransaction> {
    const legs = await this.records.journalLegs(id);
    const first = legs[0];
    const everything = principal.role === 'service' || first?.initiatedBy === principal.sub;
    const visible = everything ? legs : legs.filter((t) => t.fromUserId === principal.sub || t.toUserId === principal.sub);
    if (!first || visible.length === 0) throw new NotFound('Transaction not found', 'transaction_not_found');
    return {
      id,
      description: first.description,
      metadata: first.metadata,
      initiatedBy: first.initiatedBy,
      createdAt: first.createdAt,
      legs: visible.map((transfer) => ({ leg: transfer.journalLeg ?? 0, transfer })),
    };
  }

  /** Transfers from or to the caller's wallets whose metadata matches the filter, newest first. */
  async listTransfers(principal: Principal, metadata: MetadataFilter, limit: number, after?: Cursor): Promise<Page<TransferRecord>> {
    return toPage(await this.records.listForUser(principal.sub, metadata, limit, after), limit);
  }

  /** The legs' user wallets, after the checks that need no lock: ownership, existence, currency. */
  private async checkedWallets(principal: Principal, legs: readonly LegRequest[]): Promise<Map<string, WalletMeta>> {
    const wallets = await this.directory.lookup([...new Set(legs.flatMap((l) => [l.fromWalletId, l.toWalletId]))]);
    legs.forEach((leg, i) => {
      if (leg.fromWalletId === leg.toWalletId) {
        throw new ValidationFailed('The source and destination wallets of a leg must differ', { leg: i }, 'same_wallet');
      }
      const from = wallets.get(leg.fromWalletId);
      // Someone else's source wallet is as unknown as a missing one (assertWalletAccess's rule).
      if (!from || !(from.userId === principal.sub || principal.role === 'service')) throw refusalError('wallet_not_found', { leg: i });
      const to = wallets.get(leg.toWalletId);
      if (!to) throw refusalError('wallet_not_found', { leg: i });
      if (from.currency !== leg.currency || to.currency !== leg.currency) throw refusalError('currency_mismatch', { leg: i });
    });
    return wallets;
  }
}
