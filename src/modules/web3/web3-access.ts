import type { Principal } from '../../shared/principal';
import { NotFound } from '../../shared/errors';
import type { Web3Wallet } from './web3.repository';

/** Owner ids of OCP's own chain wallets (the facilitator's gas key): no principal's id starts so. */
export const SYSTEM_OWNER_PREFIX = 'system:';

/**
 * Who may act on a web3 wallet: the principal that created it, and server-to-server clients (whose
 * permission the route checked). Anyone else gets the same 404 as for a wallet that does not exist.
 * OCP's own wallets are nobody's through the API, not even a server-to-server client's: their keys
 * pay OCP's gas, and only the service that owns them signs with them.
 */
export function assertWeb3WalletAccess(principal: Principal, wallet: Web3Wallet | null): Web3Wallet {
  if (!wallet || wallet.ownerId.startsWith(SYSTEM_OWNER_PREFIX) || !(wallet.ownerId === principal.sub || principal.role === 'service')) {
    throw new NotFound('Web3 wallet not found', 'web3_wallet_not_found');
  }
  return wallet;
}
