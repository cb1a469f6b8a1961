import type { InTransaction, LedgerService, PostedTransfer } from '../ledger';
import type { AdminContext } from './audit/audit.repository';
import type { AuditTrail } from './audit/audit-trail';

/** Operator credits and debits of a wallet, audited in the posting's own transaction. */
export class AdjustmentService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly audit: AuditTrail,
  ) {}

  /** Errors: the ledger's wallet_not_found (404), wallet_not_active (409), insufficient_funds (422). */
  async adjust(ctx: AdminContext, walletId: string, amount: bigint, reason: string, inTx?: InTransaction<PostedTransfer>) {
    const entry = { action: 'wallet.adjust', targetType: 'wallet', targetId: walletId, reason };
    return this.audit.recordingRefusals(ctx, entry, () =>
      this.ledger.adjust(ctx.actorId, walletId, amount, reason, {
        inTx: async (tx, posted) => {
          const balance = (posted.debit.walletId === walletId ? posted.debit : posted.credit).balanceAfter;
          await this.audit.append(tx, ctx, {
            ...entry,
            before: { balance: balance - amount },
            after: { balance, transferId: posted.transfer.id, amount },
          });
          await inTx?.(tx, posted);
        },
      }),
    );
  }
}
