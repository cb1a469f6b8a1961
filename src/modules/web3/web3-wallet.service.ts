import type { TransactionRunner } from '../../shared/transaction';
import { newId } from '../../infra/crypto/ids';
import type { Principal } from '../../shared/principal';
import { ValidationFailed } from '../../shared/errors';
import { toPage, type Cursor, type Page } from '../../shared/pagination';
import type { ChainRegistry } from './chain-registry';
import { chainToAppError } from './chain-errors';
import { tokenBalance, tokenDecimals } from './send-builder';
import type { KeyVault } from './vault/key-vault';
import { assertWeb3WalletAccess } from './web3-access';
import type { Web3Repository, Web3Wallet } from './web3.repository';

export interface AssetBalance {
  /** 'native' or the token's contract address. */
  asset: string;
  symbol: string;
  decimals: number;
  /** Base units. */
  balance: bigint;
}

export interface WalletBalances {
  walletId: string;
  address: string;
  chainId: number;
  native: AssetBalance;
  tokens: AssetBalance[];
}

const NATIVE_DECIMALS = 18;

/** Chain wallets: keys made in the vault, listed per owner, balances read from the chain. */
export class Web3WalletService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly repo: Web3Repository,
    private readonly vault: KeyVault,
    private readonly chains: ChainRegistry,
  ) {}

  /**
   * A new chain wallet whose key pair is generated and sealed in the vault.
   * Errors: web3_not_configured (503), unknown_chain (400) for a chainId not configured.
   */
  async create(principal: Principal, request: { chainId?: number; label?: string }): Promise<Web3Wallet> {
    this.chains.assertConfigured();
    if (request.chainId !== undefined) this.chains.get(request.chainId);
    const id = newId('w3w');
    return this.db.transaction(async (tx) => {
      const address = await this.vault.generate(tx, id);
      const wallet: Web3Wallet = {
        id,
        ownerId: principal.sub,
        address,
        chainId: request.chainId ?? null,
        label: request.label ?? null,
        createdAt: new Date(),
      };
      await this.repo.insertWallet(tx, wallet);
      return wallet;
    });
  }

  /** The caller's chain wallets, newest first. Errors: web3_not_configured (503). */
  async list(principal: Principal, limit: number, after?: Cursor): Promise<Page<Web3Wallet>> {
    this.chains.assertConfigured();
    return toPage(await this.repo.listWallets(principal.sub, limit, after), limit);
  }

  /** Errors: web3_not_configured (503), web3_wallet_not_found (404). */
  async get(principal: Principal, id: string): Promise<Web3Wallet> {
    this.chains.assertConfigured();
    return assertWeb3WalletAccess(principal, await this.repo.findWallet(id));
  }

  /**
   * Native and configured ERC-20 balances, read from the chain (chainId defaults to the wallet's).
   * Errors: web3_not_configured (503), web3_wallet_not_found (404), chain_id_required (400),
   * unknown_chain (400), chain_unavailable / chain_error (503).
   */
  async balances(principal: Principal, id: string, chainId?: number): Promise<WalletBalances> {
    const wallet = await this.get(principal, id);
    const chosen = chainId ?? wallet.chainId;
    if (chosen === null) throw new ValidationFailed('Give chainId: this wallet has no default chain', undefined, 'chain_id_required');
    const chain = this.chains.get(chosen);
    try {
      const [native, ...tokens] = await Promise.all([
        chain.rpc.getBalance(wallet.address, 'latest'),
        ...chain.tokens.map((t) => tokenBalance(chain, t.address, wallet.address)),
      ]);
      const decimals = await Promise.all(chain.tokens.map((t) => tokenDecimals(chain, t.address)));
      return {
        walletId: wallet.id,
        address: wallet.address,
        chainId: chain.id,
        native: { asset: 'native', symbol: chain.nativeSymbol, decimals: NATIVE_DECIMALS, balance: native! },
        tokens: chain.tokens.map((t, i) => ({ asset: t.address, symbol: t.symbol, decimals: decimals[i]!, balance: tokens[i]! })),
      };
    } catch (error) {
      throw chainToAppError(error, 'read');
    }
  }
}
