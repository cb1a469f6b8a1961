import type { Principal } from '../../shared/principal';
import { NotFound } from '../../shared/errors';
import type { Merchant } from './merchant.repository';

/**
 * Who may act on a merchant: its owner, and the API clients bound to it (whose permission the route
 * checked). A client bound to another merchant, an operator's unbound client, or another user gets
 * the same 404 as for a merchant that does not exist, so ids leak nothing.
 */
export function assertMerchantAccess(principal: Principal, merchant: Merchant | null): Merchant {
  if (!merchant || !canReach(principal, merchant)) throw merchantNotFound();
  return merchant;
}

/** The owner only: changing the merchant itself or its credentials is never a client's to do. */
export function assertMerchantOwner(principal: Principal, merchant: Merchant | null): Merchant {
  if (!merchant || principal.merchantId !== undefined || principal.role === 'service' || merchant.ownerId !== principal.sub) {
    throw merchantNotFound();
  }
  return merchant;
}

function canReach(principal: Principal, merchant: Merchant): boolean {
  if (principal.merchantId !== undefined) return principal.merchantId === merchant.id;
  return principal.role !== 'service' && merchant.ownerId === principal.sub;
}

export function merchantNotFound(): NotFound {
  return new NotFound('Merchant not found', 'merchant_not_found');
}
