import { newEvent, type DomainEvent } from '../../../shared/events';
import type { Hold } from './hold.repository';

export const HOLD_EVENT_TYPES = ['hold.created', 'hold.captured', 'hold.voided', 'hold.expired'] as const;
export type HoldEventType = (typeof HOLD_EVENT_TYPES)[number];

/**
 * What a change of a hold tells: the same data to the payer and to the payee (once when they are
 * the same person), as a transfer tells both sides. Amounts as strings of minor units.
 */
export function holdEvents(type: HoldEventType, hold: Hold): DomainEvent[] {
  const data = {
    holdId: hold.id,
    status: hold.status,
    amount: hold.amount.toString(),
    capturedAmount: hold.capturedAmount.toString(),
    currency: hold.currency,
    fromWalletId: hold.fromWalletId,
    toWalletId: hold.toWalletId,
    expiresAt: hold.expiresAt.toISOString(),
    captureTransferId: hold.captureTransferId,
  };
  return [...new Set([hold.fromUserId, hold.toUserId])].map((owner) => newEvent(type, owner, data));
}
