import type { TransactionRunner } from '../../shared/transaction';
import type { Chain, ChainRegistry } from './chain-registry';
import type { Eip3009Settlement, Eip3009SettlementRepository } from './eip3009-settlement.repository';
import { ChainRejected } from './evm-rpc';
import type { Web3Repository } from './web3.repository';

/** What became of a broadcast: the node took it, refused it outright (its error code), or nobody knows. */
export type BroadcastOutcome = { sent: true } | { sent: false; rejected: string } | { sent: false; rejected: null };

const RECEIPT_POLL_MS = 200;
const RECONCILE_BATCH_MAX = 100;
// A node that refuses a transaction for these reasons holds another transaction at its nonce (mined, or
// in its pool): the nonce is not ours to use again. Any other refusal leaves the nonce unused.
const NONCE_TAKEN = new Set(['NONCE_EXPIRED', 'REPLACEMENT_UNDERPRICED', 'TRANSACTION_REPLACED']);

/**
 * Takes recorded EIP-3009 settlements to the chain and to their outcome: the broadcast after commit,
 * the receipt, the node's outright refusals (the settlement fails and its gas nonce is freed for the
 * next one), and the reconciler's pass over those a stopped process or a lost broadcast left open.
 */
export class Eip3009Broadcasts {
  constructor(
    private readonly db: TransactionRunner,
    private readonly web3: Pick<Web3Repository, 'findWallet' | 'lockNonce'>,
    private readonly settlements: Eip3009SettlementRepository,
    private readonly chains: ChainRegistry,
  ) {}

  /** Broadcasts the recorded bytes. A refusal fails the settlement (see `reject`); a lost one stays open. */
  async send(chain: Chain, s: Eip3009Settlement): Promise<BroadcastOutcome> {
    try {
      await chain.rpc.broadcast(s.rawTx);
      return { sent: true };
    } catch (error) {
      if (error instanceof ChainRejected && (await this.reject(chain, s, error))) return { sent: false, rejected: error.code };
      // Recorded and signed, fate unknown: the reconciler broadcasts the same bytes again, or finds them mined.
      return { sent: false, rejected: null };
    }
  }

  /** Polls for the receipt for up to `waitMs` and records the outcome; null when none came in time. */
  async awaitReceipt(chain: Chain, s: Eip3009Settlement, waitMs: number): Promise<'success' | 'reverted' | null> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const receipt = await chain.rpc.getReceipt(s.hash).catch(() => null);
      if (receipt) {
        await this.finish(s, receipt);
        return receipt.status;
      }
      if (Date.now() >= deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, RECEIPT_POLL_MS));
    }
  }

  /**
   * Finishes the settlements left open (by a restart, a lost broadcast, a slow chain): a mined one gets
   * its outcome, one the node does not know is broadcast again (its recorded bytes, so the same hash),
   * and one whose broadcast the node refuses outright fails as after `send`.
   * Returns how many were finished. Errors: the database's; a chain that cannot be reached is skipped.
   */
  async reconcile(): Promise<number> {
    let finished = 0;
    for (const s of await this.settlements.open(RECONCILE_BATCH_MAX)) {
      const chain = this.chains.all().find((c) => c.id === s.chainId);
      if (!chain) continue;
      try {
        const receipt = await chain.rpc.getReceipt(s.hash);
        if (receipt) {
          if (await this.finish(s, receipt)) finished += 1;
        } else if (!(await chain.rpc.knowsTransaction(s.hash))) {
          await this.send(chain, s);
        }
      } catch {
        // Unreachable now: the next pass tries again.
      }
    }
    return finished;
  }

  /**
   * The node refused the settlement's transaction. Unless it holds it after all (an "already known"
   * when the reconciler sent it first, or it was mined), the settlement fails without having been on
   * chain, and its gas nonce is freed for the next settlement when no other transaction holds it; under
   * the gas key's nonce row lock, so no settlement is choosing a nonce meanwhile. True when it failed.
   */
  private async reject(chain: Chain, s: Eip3009Settlement, error: ChainRejected): Promise<boolean> {
    // A node that cannot say now is taken to hold it: the record stays for the reconciler.
    const held = await Promise.all([chain.rpc.getReceipt(s.hash), chain.rpc.knowsTransaction(s.hash)]).then(
      ([receipt, known]) => receipt !== null || known,
      () => true,
    );
    if (held) return false;
    const gas = await this.web3.findWallet(s.gasWalletId);
    if (!gas) return false;
    return this.db.transaction(async (tx) => {
      await this.web3.lockNonce(tx, chain.id, gas.address);
      return this.settlements.reject(tx, s.id, `rejected by the node: ${error.code}`, !NONCE_TAKEN.has(error.code));
    });
  }

  private finish(s: Eip3009Settlement, receipt: { blockNumber: number; status: 'success' | 'reverted' }): Promise<boolean> {
    return this.settlements.finish(
      s.id,
      receipt.status === 'success'
        ? { status: 'settled', blockNumber: receipt.blockNumber }
        : { status: 'failed', blockNumber: receipt.blockNumber, reason: 'reverted' },
    );
  }
}
