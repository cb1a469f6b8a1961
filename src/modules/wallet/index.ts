// The wallet module's public surface: what other modules, the container and the app may use.
// Everything else in this folder (the SQL adapter, the directory's cache keys) is private to it.
export { createWalletModule } from './wallet.module';
export { walletRoutes } from './wallet.routes';
export type { WalletService } from './wallet.service';
export type { Wallet, WalletRepository, WalletStatus } from './wallet.repository';
export type { WalletDirectory, WalletMeta } from './wallet-directory';
export { assertWalletAccess } from './wallet-access';
// For the GraphQL edge: the same input rules and view as PATCH /wallets/:id.
export { toWalletView, updateWalletBody } from './wallet.schemas';
