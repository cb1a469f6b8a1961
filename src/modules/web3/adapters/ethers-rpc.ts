import { FetchRequest, JsonRpcProvider, Network } from 'ethers';
import { ChainRejected, ChainUnreachable, type EvmRpc, type Fees } from '../evm-rpc';
import { boundedGetUrl } from './bounded-get-url';
import { inSpan, SpanKind } from '../../../infra/tracing/spans';

// Errors raised by the socket before a byte of the request left this machine.
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const UNREACHABLE = new Set([...NEVER_SENT, 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'TIMEOUT', 'NETWORK_ERROR', 'SERVER_ERROR']);
const GATEWAY_REFUSED = new Set([502, 503]);
const REASON_CHARS_MAX = 300;

/** The EVM RPC port over ethers v6. */
export class EthersRpc implements EvmRpc {
  private readonly provider: JsonRpcProvider;

  constructor(
    private readonly chainId: number,
    rpcUrl: string,
    timeoutMs: number,
    responseBytesMax: number,
  ) {
    const request = new FetchRequest(rpcUrl);
    request.timeout = timeoutMs;
    request.getUrlFunc = boundedGetUrl(responseBytesMax);
    // No 250 ms result cache and no batching: a nonce or balance read must see the chain as it is
    // now, and one slow call must not hold others. staticNetwork: no chain-id probe loop at start.
    this.provider = new JsonRpcProvider(request, Network.from(chainId), {
      staticNetwork: true,
      cacheTimeout: -1,
      batchMaxCount: 1,
    });
  }

  getBlockNumber(): Promise<number> {
    return this.run(() => this.provider.getBlockNumber());
  }

  getLatestBlock(): Promise<{ number: number; timestamp: number }> {
    return this.run(async () => {
      const block = await this.provider.getBlock('latest');
      if (!block) throw new ChainRejected(this.chainId, 'BAD_DATA', 'the node has no latest block');
      return { number: block.number, timestamp: block.timestamp };
    });
  }

  getBalance(address: string, block: 'latest' | 'pending' = 'latest'): Promise<bigint> {
    return this.run(() => this.provider.getBalance(address, block));
  }

  call(to: string, data: string, blockNumber?: number): Promise<string> {
    return this.run(() => this.provider.call(blockNumber === undefined ? { to, data } : { to, data, blockTag: blockNumber }));
  }

  getPendingNonce(address: string): Promise<number> {
    return this.run(() => this.provider.getTransactionCount(address, 'pending'));
  }

  estimateGas(tx: { from: string; to: string; value: bigint; data: string }): Promise<bigint> {
    return this.run(() => this.provider.estimateGas(tx));
  }

  async getFees(): Promise<Fees> {
    const fee = await this.run(() => this.provider.getFeeData());
    if (fee.maxFeePerGas !== null && fee.maxPriorityFeePerGas !== null) {
      return { type: 2, maxFeePerGas: fee.maxFeePerGas, maxPriorityFeePerGas: fee.maxPriorityFeePerGas };
    }
    if (fee.gasPrice === null) throw new ChainRejected(this.chainId, 'NO_FEE_DATA', 'the node reported no gas price');
    return { type: 0, gasPrice: fee.gasPrice };
  }

  async broadcast(signedTx: string): Promise<string> {
    return this.run(() => this.provider.send('eth_sendRawTransaction', [signedTx]) as Promise<string>);
  }

  async getReceipt(hash: string) {
    const receipt = await this.run(() => this.provider.getTransactionReceipt(hash));
    if (!receipt) return null;
    // ethers does not check it: a node answering another transaction's receipt would confirm this one.
    if (receipt.hash.toLowerCase() !== hash.toLowerCase()) {
      throw new ChainRejected(this.chainId, 'BAD_DATA', 'the node answered the receipt of another transaction');
    }
    return {
      blockNumber: receipt.blockNumber,
      status: receipt.status === 1 ? ('success' as const) : ('reverted' as const),
      gasUsed: receipt.gasUsed,
    };
  }

  async knowsTransaction(hash: string): Promise<boolean> {
    return (await this.run(() => this.provider.getTransaction(hash))) !== null;
  }

  close(): void {
    this.provider.destroy();
  }

  /** One JSON-RPC call in a span; the http client span under it carries traceparent to the node. */
  private run<T>(call: () => Promise<T>): Promise<T> {
    return inSpan('evm rpc', { kind: SpanKind.CLIENT, attributes: { 'ocp.chain_id': this.chainId } }, async () => {
      try {
        return await call();
      } catch (error) {
        throw this.translate(error);
      }
    });
  }

  private translate(error: unknown): Error {
    const e = error as {
      code?: unknown;
      shortMessage?: unknown;
      message?: unknown;
      error?: { message?: unknown };
      response?: { statusCode?: unknown };
    } | null;
    const code = typeof e?.code === 'string' ? e.code : 'UNKNOWN_ERROR';
    // The node's own words when there are some; ethers' long message embeds the request payload.
    // Only a string is words: a node or proxy can put an object where the message goes.
    const said = [e?.error?.message, e?.shortMessage, e?.message].find((m): m is string => typeof m === 'string');
    const reason = (said ?? 'unknown error').slice(0, REASON_CHARS_MAX);
    // A gateway's 502/503 says it could not hand the request to the node behind it.
    const gatewayRefused = code === 'SERVER_ERROR' && GATEWAY_REFUSED.has(Number(e?.response?.statusCode));
    if (UNREACHABLE.has(code)) return new ChainUnreachable(this.chainId, reason, NEVER_SENT.has(code) || gatewayRefused);
    return new ChainRejected(this.chainId, code, reason);
  }
}
