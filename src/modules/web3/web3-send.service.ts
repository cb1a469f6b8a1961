import type { Transaction, TransactionRunner } from '../../shared/transaction';
import { newId } from '../../infra/crypto/ids';
import type { Principal } from '../../shared/principal';
import { NotFound } from '../../shared/errors';
import { newEvent, type EventBus } from '../../shared/events';
import { toPage, type Cursor, type Page } from '../../shared/pagination';
import type { Outbox } from '../../shared/outbox';
import type { ChainRegistry } from './chain-registry';
import { chainToAppError } from './chain-errors';
import { ChainUnreachable } from './evm-rpc';
import { buildSend } from './send-builder';
import type { KeyVault } from './vault/key-vault';
import { assertWeb3WalletAccess } from './web3-access';
import { sendEventData } from './web3.events';
import type { Web3Repository, Web3Send } from './web3.repository';

export interface SendRequest {
  web3WalletId: string;
  chainId: number;
  /** Checksummed, not the zero address (the route checked). */
  to: string;
  /** Base units, > 0. */
  amount: bigint;
  /** 'native', or a configured token's symbol or contract address. */
  asset: string;
}

/** On-chain sends: build, sign in the vault, broadcast, record; and their history. */
export class Web3SendService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly repo: Web3Repository,
    private readonly vault: KeyVault,
    private readonly chains: ChainRegistry,
    private readonly outbox: Outbox,
    private readonly events: EventBus,
  ) {}

  /**
   * Sends native value or an ERC-20 transfer from a vaulted wallet and records it `pending`.
   * One database transaction holds the wallet's nonce row locked from nonce choice to record, so
   * concurrent sends get consecutive nonces; if the broadcast surely never reached the node the
   * transaction rolls back and the nonce is used by the next send. `inTx` runs in that transaction.
   * Errors: web3_not_configured (503), unknown_chain (400), unknown_asset (400),
   * web3_wallet_not_found (404), insufficient_funds (422), transaction_rejected (422),
   * chain_unavailable (503).
   */
  async send(principal: Principal, request: SendRequest, inTx?: (tx: Transaction, send: Web3Send) => Promise<void>): Promise<Web3Send> {
    const chain = this.chains.get(request.chainId);
    const asset = this.chains.asset(chain, request.asset);
    const wallet = assertWeb3WalletAccess(principal, await this.repo.findWallet(request.web3WalletId));
    try {
      const { send, event } = await this.db.transaction(async (tx) => {
        const stored = await this.repo.lockNonce(tx, chain.id, wallet.address);
        // The node's count wins when it is ahead (the address also sent from elsewhere).
        const nonce = Math.max(stored, await chain.rpc.getPendingNonce(wallet.address));
        const unsigned = await buildSend(chain, wallet.address, asset, request.to, request.amount, nonce);
        const signed = await this.vault.sign(wallet.id, unsigned, tx);
        await this.broadcast(chain.rpc, signed.raw);
        const now = new Date();
        const record: Web3Send = {
          id: newId('w3s'),
          walletId: wallet.id,
          ownerId: wallet.ownerId,
          chainId: chain.id,
          from: wallet.address,
          to: request.to,
          asset: asset.kind === 'native' ? 'native' : asset.address,
          assetSymbol: asset.symbol,
          amount: request.amount,
          nonce,
          hash: signed.hash,
          rawTx: signed.raw,
          status: 'pending',
          blockNumber: null,
          gasUsed: null,
          failureReason: null,
          createdAt: now,
          updatedAt: now,
        };
        await this.repo.insertSend(tx, record);
        await this.repo.setNextNonce(tx, chain.id, wallet.address, nonce + 1);
        const submitted = newEvent('web3.send.submitted', wallet.ownerId, sendEventData(record));
        await this.outbox.enqueue(tx, [submitted]);
        await inTx?.(tx, record);
        return { send: record, event: submitted };
      });
      this.events.publish([event]);
      return send;
    } catch (error) {
      throw chainToAppError(error, 'send');
    }
  }

  /** Errors: web3_not_configured (503), web3_wallet_not_found (404). */
  async history(principal: Principal, walletId: string, limit: number, after?: Cursor): Promise<Page<Web3Send>> {
    this.chains.assertConfigured();
    assertWeb3WalletAccess(principal, await this.repo.findWallet(walletId));
    return toPage(await this.repo.listSends(walletId, limit, after), limit);
  }

  /** Errors: web3_not_configured (503), web3_send_not_found (404), also for someone else's. */
  async get(principal: Principal, id: string): Promise<Web3Send> {
    this.chains.assertConfigured();
    const send = await this.repo.findSend(id);
    if (!send || !(send.ownerId === principal.sub || principal.role === 'service'))
      throw new NotFound('Send not found', 'web3_send_not_found');
    return send;
  }

  /**
   * A broadcast that surely never reached the node throws (the caller's transaction rolls back and
   * the nonce stays free). One whose fate is unknown (a timeout, a reset connection) is recorded as
   * sent: the node may hold it, and the watcher broadcasts the same signed bytes again if not.
   */
  private async broadcast(rpc: { broadcast(raw: string): Promise<string> }, raw: string): Promise<void> {
    try {
      await rpc.broadcast(raw);
    } catch (error) {
      if (error instanceof ChainUnreachable && !error.beforeSending) return;
      throw error;
    }
  }
}
