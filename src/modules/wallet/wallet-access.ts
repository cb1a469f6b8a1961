import type { Principal } from '../../shared/principal';
import { NotFound } from '../../shared/errors';
import type { Wallet } from './wallet.repository';

/**
 * Who may act on a wallet: its owner, and server-to-server clients (whose permission the route
 * checked). Anyone else gets the same 404 as for a wallet that does not exist, so ids leak nothing.
 */
export function assertWalletAccess<W extends Pick<Wallet, 'userId'>>(principal: Principal, wallet: W | null | undefined): W {
  if (!wallet || !(wallet.userId === principal.sub || principal.role === 'service')) {
    throw new NotFound('Wallet not found', 'wallet_not_found');
  }
  return wallet;
}
