import { z } from 'zod';
import { positiveAmount } from '../../../shared/money/money';
import { postedTransferView, toPostedTransferView } from '../../ledger';
import type { Funded } from './card-funding.service';

export const fundBody = z.object({ tokenId: z.string().min(1).max(64), amount: positiveAmount }).strict();

export const fundedView = postedTransferView
  .extend({ charge: z.object({ id: z.string(), tokenId: z.string(), amount: z.string(), currency: z.string() }) })
  .meta({ id: 'CardFunding' });

export function toFundedView(f: Funded) {
  const { transfer } = f.posted;
  return {
    charge: { id: f.chargeId, tokenId: f.tokenId, amount: transfer.amount.toString(), currency: transfer.currency },
    ...toPostedTransferView(f.posted),
  };
}
