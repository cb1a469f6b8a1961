import type { TransactionRunner } from '../../shared/transaction';
import type { Logger } from '../../infra/logger';
import { Periodic } from '../../infra/periodic';
import { newEvent, type DomainEvent, type EventBus } from '../../shared/events';
import type { Outbox } from '../../shared/outbox';
import type { Chain, ChainRegistry } from './chain-registry';
import { ChainRejected } from './evm-rpc';
import { sendEventData } from './web3.events';
import type { SettledSend, Web3Repository, Web3Send } from './web3.repository';

export interface WatchSummary {
  checked: number;
  confirmed: number;
  failed: number;
  rebroadcast: number;
}

/**
 * Follows pending sends to their outcome: `confirmed` once the receipt is `confirmations` blocks
 * deep, `failed` when the receipt says reverted (or the nonce went to another transaction), each
 * told as an event through the outbox (webhooks) and the EventBus. A send the node no longer
 * knows is broadcast again from its stored signed bytes: the same hash, never a second payment.
 */
export class SendWatcher {
  private readonly loop: Periodic;

  constructor(
    private readonly db: TransactionRunner,
    private readonly repo: Web3Repository,
    private readonly chains: ChainRegistry,
    private readonly outbox: Outbox,
    private readonly events: EventBus,
    private readonly logger: Logger,
    private readonly batchSize: number,
    /** Runs a pass in each tenant (the sends and the events they write are tenants'). */
    eachTenant: (pass: () => Promise<boolean>) => Promise<boolean>,
  ) {
    this.loop = new Periodic('web3 watcher', () => eachTenant(async () => (await this.runOnce(), false)), logger);
  }

  /** One pass over every chain. A chain whose node is down is skipped (logged) until the next pass. */
  async runOnce(): Promise<WatchSummary> {
    const summary: WatchSummary = { checked: 0, confirmed: 0, failed: 0, rebroadcast: 0 };
    for (const chain of this.chains.all()) {
      try {
        await this.watchChain(chain, summary);
      } catch (error) {
        this.logger.warn('web3 watcher could not check a chain', { chainId: chain.id, error });
      }
    }
    return summary;
  }

  start(intervalMs: number): void {
    this.loop.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async watchChain(chain: Chain, summary: WatchSummary): Promise<void> {
    const pending = await this.repo.pendingSends(chain.id, this.batchSize);
    if (pending.length === 0) return;
    const head = await chain.rpc.getBlockNumber();
    for (const send of pending) {
      summary.checked += 1;
      const outcome = await this.outcomeOf(chain, send, head, summary);
      if (outcome && (await this.settle(send, outcome))) summary[outcome.status] += 1;
    }
  }

  private async outcomeOf(chain: Chain, send: Web3Send, head: number, summary: WatchSummary): Promise<SettledSend | undefined> {
    const receipt = await chain.rpc.getReceipt(send.hash);
    if (receipt?.status === 'reverted') {
      return { status: 'failed', blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, reason: 'reverted' };
    }
    if (receipt) {
      const depth = head - receipt.blockNumber + 1;
      return depth >= chain.confirmations ? { status: 'confirmed', blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed } : undefined;
    }
    if (await chain.rpc.knowsTransaction(send.hash)) return undefined;
    try {
      await chain.rpc.broadcast(send.rawTx);
      summary.rebroadcast += 1;
      this.logger.info('web3 send broadcast again', { sendId: send.id, chainId: chain.id, hash: send.hash });
      return undefined;
    } catch (error) {
      // "nonce too low" with no receipt of ours: another transaction took the nonce; ours can never land.
      if (error instanceof ChainRejected && error.code === 'NONCE_EXPIRED') {
        return { status: 'failed', blockNumber: null, gasUsed: null, reason: 'dropped: its nonce was used by another transaction' };
      }
      throw error;
    }
  }

  private async settle(send: Web3Send, outcome: SettledSend): Promise<boolean> {
    const settled: Web3Send = {
      ...send,
      status: outcome.status,
      blockNumber: outcome.blockNumber,
      gasUsed: outcome.gasUsed,
      failureReason: outcome.status === 'failed' ? outcome.reason : null,
    };
    const event: DomainEvent = newEvent(`web3.send.${outcome.status}`, send.ownerId, sendEventData(settled));
    const changed = await this.db.transaction(async (tx) => {
      if (!(await this.repo.settleSend(tx, send.id, outcome))) return false;
      await this.outbox.enqueue(tx, [event]);
      return true;
    });
    if (changed) {
      this.events.publish([event]);
      this.logger.info(`web3 send ${outcome.status}`, {
        sendId: send.id,
        chainId: send.chainId,
        hash: send.hash,
        blockNumber: outcome.blockNumber,
      });
    }
    return changed;
  }
}
