import { getAddress, isAddress } from 'ethers';
import type { ChainSettings } from '../../config/web3-chains';
import { Unavailable, ValidationFailed } from '../../shared/errors';
import type { EvmRpc } from './evm-rpc';

export interface Token {
  symbol: string;
  /** Checksummed contract address. */
  address: string;
}

export interface Chain {
  id: number;
  confirmations: number;
  nativeSymbol: string;
  tokens: readonly Token[];
  rpc: EvmRpc;
}

/** What an `asset` field names: the chain's native coin, or one of its configured ERC-20 tokens. */
export type Asset = { kind: 'native'; symbol: string } | { kind: 'erc20'; symbol: string; address: string };

/**
 * The chains of WEB3_CHAINS, each with its RPC client.
 * Errors: web3_not_configured (503) when none is configured, unknown_chain (400), unknown_asset (400).
 */
export class ChainRegistry {
  private readonly chains: ReadonlyMap<number, Chain>;

  constructor(settings: readonly ChainSettings[], rpcFor: (settings: ChainSettings) => EvmRpc) {
    this.chains = new Map(
      settings.map((s) => [
        s.chainId,
        {
          id: s.chainId,
          confirmations: s.confirmations,
          nativeSymbol: s.nativeSymbol,
          tokens: Object.entries(s.tokens).map(([symbol, address]) => ({ symbol, address })),
          rpc: rpcFor(s),
        },
      ]),
    );
  }

  get configured(): boolean {
    return this.chains.size > 0;
  }

  all(): Chain[] {
    return [...this.chains.values()];
  }

  assertConfigured(): void {
    if (!this.configured) {
      throw new Unavailable('Web3 is not enabled on this server: set WEB3_CHAINS to configure at least one chain', 'web3_not_configured');
    }
  }

  get(chainId: number): Chain {
    this.assertConfigured();
    const chain = this.chains.get(chainId);
    if (!chain) {
      throw new ValidationFailed(
        `Chain ${chainId} is not configured on this server`,
        { configured: [...this.chains.keys()] },
        'unknown_chain',
      );
    }
    return chain;
  }

  /** `native`, a configured token's symbol, or a configured token's contract address (any case). */
  asset(chain: Chain, asset: string): Asset {
    if (asset === 'native') return { kind: 'native', symbol: chain.nativeSymbol };
    const address = isAddress(asset) ? getAddress(asset.toLowerCase()) : undefined;
    const token = chain.tokens.find((t) => t.symbol === asset || t.address === address);
    if (!token) {
      throw new ValidationFailed(
        `Asset "${asset}" is neither "native" nor a token configured for chain ${chain.id}`,
        { tokens: chain.tokens.map((t) => t.symbol) },
        'unknown_asset',
      );
    }
    return { kind: 'erc20', symbol: token.symbol, address: token.address };
  }

  close(): void {
    for (const chain of this.chains.values()) chain.rpc.close();
  }
}
