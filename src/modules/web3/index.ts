// The web3 module's public surface: the container builds it, the app mounts its routes.
// The vault, the RPC adapters and the send watcher are private to the module.
export { createWeb3Module } from './web3.module';
export { web3Routes } from './web3.routes';
export type { Web3SendService } from './web3-send.service';
export type { Web3WalletService } from './web3-wallet.service';
export type {
  AuthorizationCheck,
  AuthorizationFate,
  AuthorizationProblem,
  AuthorizationToSettle,
  Eip3009SettlementService,
  SettlementResult,
} from './eip3009-settlement.service';
export type { TokenDomain, TransferAuthorization } from './eip3009';
export type { Eip3009SigningService, SignedTransferAuthorization, TransferAuthorizationRequest } from './eip3009-signing.service';
