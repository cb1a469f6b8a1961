import type { Principal } from '../../shared/principal';
import { NotFound } from '../../shared/errors';
import type { Web3Wallet } from './web3.repository';

/**
 * Who may act on a web3 wallet: the principal that created it, and server-to-server clients (whose
 * permission the route checked). Anyone else gets the same 404 as for a wallet that does not exist.
 */
export function assertWeb3WalletAccess(principal: Principal, wallet: Web3Wallet | null): Web3Wallet {
  if (!wallet || !(wallet.ownerId === principal.sub || principal.role === 'service')) {
    throw new NotFound('Web3 wallet not found', 'web3_wallet_not_found');
  }
  return wallet;
}
