/**
 * What the web3 service needs from an EVM JSON-RPC node. One instance per configured chain.
 * Every method throws ChainUnreachable when the node cannot be reached (or does not answer in
 * time) and ChainRejected when the node answered with an error.
 */
export interface EvmRpc {
  getBlockNumber(): Promise<number>;
  /** The latest block's number and timestamp (seconds). */
  getLatestBlock(): Promise<{ number: number; timestamp: number }>;
  /** Wei, at the pending block (what the next transaction can spend). */
  getBalance(address: string, block?: 'latest' | 'pending'): Promise<bigint>;
  /** eth_call: the raw return data, at the latest block or at block `blockNumber`. */
  call(to: string, data: string, blockNumber?: number): Promise<string>;
  /** The next nonce the node expects from `address`, counting its pending transactions. */
  getPendingNonce(address: string): Promise<number>;
  estimateGas(tx: { from: string; to: string; value: bigint; data: string }): Promise<bigint>;
  /** EIP-1559 fees when the chain has a base fee, otherwise a legacy gas price. */
  getFees(): Promise<Fees>;
  /** eth_sendRawTransaction: the transaction hash. */
  broadcast(signedTx: string): Promise<string>;
  /** The transaction's receipt, or null while it is not mined; a receipt of another transaction is ChainRejected. */
  getReceipt(hash: string): Promise<{ blockNumber: number; status: 'success' | 'reverted'; gasUsed: bigint } | null>;
  /** Whether the node knows the transaction (in its pool or in a block). */
  knowsTransaction(hash: string): Promise<boolean>;
  close(): void;
}

export type Fees = { type: 2; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } | { type: 0; gasPrice: bigint };

export function maxGasPrice(fees: Fees): bigint {
  return fees.type === 2 ? fees.maxFeePerGas : fees.gasPrice;
}

/** The node could not be reached, or did not answer in time: nothing is known to have happened. */
export class ChainUnreachable extends Error {
  override readonly name = 'ChainUnreachable';
  constructor(
    readonly chainId: number,
    readonly reason: string,
    /** True when the request surely never reached the node (connection refused, unknown host). */
    readonly beforeSending: boolean,
  ) {
    super(`The RPC node of chain ${chainId} is unreachable: ${reason}`);
  }
}

/** The node answered with an error (an ethers error code such as INSUFFICIENT_FUNDS, CALL_EXCEPTION). */
export class ChainRejected extends Error {
  override readonly name = 'ChainRejected';
  constructor(
    readonly chainId: number,
    readonly code: string,
    readonly reason: string,
  ) {
    super(`Chain ${chainId} refused the request (${code}): ${reason}`);
  }
}
