import { getAddress, isAddress } from 'ethers';
import { newId } from '../../infra/crypto/ids';
import { AppError, InsufficientFunds } from '../../shared/errors';
import type { TransactionRunner } from '../../shared/transaction';
import type { Chain, ChainRegistry } from './chain-registry';
import { chainToAppError } from './chain-errors';
import {
  authorizationSigner,
  domainSeparator,
  EIP3009_TOKEN,
  transferWithAuthorizationData,
  type TokenDomain,
  type TransferAuthorization,
} from './eip3009';
import type { Eip3009Settlement, Eip3009SettlementRepository } from './eip3009-settlement.repository';
import { ChainRejected } from './evm-rpc';
import { buildContractCall } from './send-builder';
import type { KeyVault } from './vault/key-vault';
import { SYSTEM_OWNER_PREFIX } from './web3-access';
import type { Web3Repository, Web3Wallet } from './web3.repository';

/** An EIP-3009 authorization offered as payment, and what the payee asked for. */
export interface AuthorizationToSettle {
  chainId: number;
  /** The token contract the payee asked for (any case). */
  asset: string;
  /** The EIP-712 domain the payee announced for the token. */
  domain: TokenDomain;
  /** Who must receive the value (any case): a chain wallet in OCP's vault of one of `payeeOwnerIds`. */
  payTo: string;
  /** Whose vaulted wallets may be paid: the caller's own id and, for a merchant's API client, the merchant's owner. */
  payeeOwnerIds: readonly string[];
  /** The least value that pays (base units). */
  minValue: bigint;
  authorization: TransferAuthorization;
  signature: string;
}

/** Why an authorization does not pay. */
export type AuthorizationProblem =
  | 'unknown_chain'
  | 'unknown_asset'
  | 'domain_mismatch'
  | 'invalid_signature'
  | 'recipient_mismatch'
  | 'payee_not_permitted'
  | 'value_too_low'
  | 'not_yet_valid'
  | 'expired'
  | 'nonce_used'
  | 'insufficient_balance';

export type AuthorizationCheck = { valid: true; payer: string } | { valid: false; payer: string; problem: AuthorizationProblem };

export type SettlementResult =
  | { status: 'settled'; payer: string; hash: string; value: bigint }
  | { status: 'refused'; payer: string; problem: AuthorizationProblem }
  /**
   * The gas key could not submit it (`hash` null: nothing is on chain; also when the node refused the
   * broadcast: `rejected`, or `insufficient_gas` at send time), or the transaction reverted.
   */
  | { status: 'failed'; payer: string; hash: string | null; reason: 'insufficient_gas' | 'simulation_failed' | 'rejected' | 'reverted' }
  /** Recorded and (perhaps) broadcast, not yet mined: the reconciler will finish it. */
  | { status: 'pending'; payer: string; hash: string };

/** OCP's gas key for settlements: a vaulted chain wallet of OCP itself, made on first use. */
export const GAS_WALLET_ID = 'w3w_eip3009_gas';
const GAS_WALLET_OWNER = `${SYSTEM_OWNER_PREFIX}eip3009-gas`;
// Settlement needs the authorization to stay valid while the transaction is mined (as @x402/evm's facilitator).
const VALID_BEFORE_MARGIN_S = 6n;
const RECEIPT_POLL_MS = 200;
const RECONCILE_BATCH_MAX = 100;
// A node that refuses a transaction for these reasons holds another transaction at its nonce (mined, or
// in its pool): the nonce is not ours to use again. Any other refusal leaves the nonce unused.
const NONCE_TAKEN = new Set(['NONCE_EXPIRED', 'REPLACEMENT_UNDERPRICED', 'TRANSACTION_REPLACED']);

class ReplayRefused extends Error {}

/**
 * Verifies and settles EIP-3009 transferWithAuthorization payments (the x402 `exact` EVM scheme),
 * submitting them from OCP's gas key through the vault, the nonce row and the broadcaster the
 * sends use. Every settlement is recorded, signed, before its broadcast; `reconcile` finishes those
 * a stopped process left open.
 */
export class Eip3009SettlementService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly web3: Web3Repository,
    private readonly settlements: Eip3009SettlementRepository,
    private readonly vault: KeyVault,
    private readonly chains: ChainRegistry,
    private readonly receiptWaitMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The chains and tokens that can be settled here (configured ERC-20 tokens of WEB3_CHAINS). */
  assets(): { chainId: number; tokens: { symbol: string; address: string }[] }[] {
    return this.chains.all().map((c) => ({ chainId: c.id, tokens: c.tokens.map((t) => ({ symbol: t.symbol, address: t.address })) }));
  }

  /** The gas key's address (what the operator funds with the native coin). Errors: the database's. */
  async gasAddress(): Promise<string> {
    return (await this.gasWallet()).address;
  }

  /**
   * Every check a settlement needs, without submitting: chain and token configured here, the announced
   * EIP-712 domain is the token's own, the signature recovers to `from`, `to` is the payee, value at
   * least the price, the time window open (with a margin for mining), the nonce unused on chain and in
   * OCP's records, and `from` holds the value. Errors: web3_not_configured (503), chain_error /
   * chain_unavailable (503).
   */
  async verify(request: AuthorizationToSettle): Promise<AuthorizationCheck> {
    const a = request.authorization;
    const payer = a.from;
    const refuse = (problem: AuthorizationProblem): AuthorizationCheck => ({ valid: false, payer, problem });
    this.chains.assertConfigured();
    const chain = this.chains.all().find((c) => c.id === request.chainId);
    if (!chain) return refuse('unknown_chain');
    const token = this.token(chain, request.asset);
    if (!token) return refuse('unknown_asset');
    if (authorizationSigner(chain.id, token, request.domain, a, request.signature) !== getAddress(a.from))
      return refuse('invalid_signature');
    if (!isAddress(request.payTo) || getAddress(a.to) !== getAddress(request.payTo.toLowerCase())) return refuse('recipient_mismatch');
    // OCP's gas settles only into the caller's own vaulted wallets, so one merchant's credentials
    // cannot spend it moving tokens to any address.
    const payee = await this.web3.findWalletByAddress(getAddress(a.to));
    if (!payee || !request.payeeOwnerIds.includes(payee.ownerId)) return refuse('payee_not_permitted');
    if (a.value < request.minValue || a.value <= 0n) return refuse('value_too_low');
    const nowS = BigInt(Math.floor(this.now().getTime() / 1000));
    if (a.validAfter > nowS) return refuse('not_yet_valid');
    if (a.validBefore < nowS + VALID_BEFORE_MARGIN_S) return refuse('expired');
    if (await this.settlements.findLive(chain.id, token, getAddress(a.from), a.nonce.toLowerCase())) return refuse('nonce_used');
    try {
      const [separator, used, balance] = await Promise.all([
        this.view(chain, token, 'DOMAIN_SEPARATOR', []),
        this.view(chain, token, 'authorizationState', [a.from, a.nonce]),
        this.view(chain, token, 'balanceOf', [a.from]),
      ]);
      if (separator !== domainSeparator(chain.id, token, request.domain)) return refuse('domain_mismatch');
      if (used === true) return refuse('nonce_used');
      if ((balance as bigint) < a.value) return refuse('insufficient_balance');
    } catch (error) {
      if (error instanceof ChainRejected) return refuse('unknown_asset');
      throw chainToAppError(error, 'read');
    }
    return { valid: true, payer };
  }

  /**
   * Verifies, then submits transferWithAuthorization from the gas key: in one database transaction the
   * gas key's nonce row is locked, the call is simulated (gas estimate), signed in the vault and recorded
   * with its (chain, asset, from, nonce) claimed; only after commit is it broadcast, then its receipt
   * awaited for up to the configured wait. A replay (the nonce already recorded) is refused without signing.
   * The nonce is the lowest one a rejected broadcast left free, else the next one. A broadcast the node
   * refuses outright fails the settlement (the authorization may be settled again); one whose fate is
   * unknown stays submitted for the reconciler. Errors: as verify.
   */
  async settle(request: AuthorizationToSettle): Promise<SettlementResult> {
    const checked = await this.verify(request);
    const payer = checked.payer;
    if (!checked.valid) return { status: 'refused', payer, problem: checked.problem };
    const chain = this.chains.get(request.chainId);
    const token = this.token(chain, request.asset)!;
    const gas = await this.gasWallet();
    let settlement: Eip3009Settlement;
    try {
      settlement = await this.db.transaction(async (tx) => {
        const stored = await this.web3.lockNonce(tx, chain.id, gas.address);
        // A nonce a rejected broadcast left unused comes first: later transactions wait behind it on chain.
        const freed = await this.settlements.takeFreeGasNonce(tx, chain.id, gas.id);
        const nonce = freed ?? Math.max(stored, await chain.rpc.getPendingNonce(gas.address));
        const call = { to: token, data: transferWithAuthorizationData(request.authorization, request.signature) };
        const signed = await this.vault.sign(gas.id, await buildContractCall(chain, gas.address, call, nonce), tx);
        const a = request.authorization;
        const now = this.now();
        const record: Eip3009Settlement = {
          id: newId('x3s'),
          chainId: chain.id,
          asset: token,
          from: getAddress(a.from),
          to: getAddress(a.to),
          value: a.value,
          authNonce: a.nonce.toLowerCase(),
          validBefore: a.validBefore,
          gasWalletId: gas.id,
          gasNonce: nonce,
          hash: signed.hash,
          rawTx: signed.raw,
          status: 'submitted',
          blockNumber: null,
          failureReason: null,
          createdAt: now,
          updatedAt: now,
        };
        if (!(await this.settlements.claim(tx, record))) throw new ReplayRefused();
        if (freed === null) await this.web3.setNextNonce(tx, chain.id, gas.address, nonce + 1);
        return record;
      });
    } catch (error) {
      if (error instanceof ReplayRefused) return { status: 'refused', payer, problem: 'nonce_used' };
      if (error instanceof InsufficientFunds) return { status: 'failed', payer, hash: null, reason: 'insufficient_gas' };
      // The node's gas estimate ran the call and it reverted: used meanwhile (a concurrent settle of
      // the same authorization got there first), or the balance is gone.
      if (error instanceof ChainRejected) {
        if (await this.usedMeanwhile(chain, token, request.authorization)) return { status: 'refused', payer, problem: 'nonce_used' };
        return { status: 'failed', payer, hash: null, reason: 'simulation_failed' };
      }
      throw error instanceof AppError ? error : chainToAppError(error, 'read');
    }
    try {
      await chain.rpc.broadcast(settlement.rawTx);
    } catch (error) {
      if (error instanceof ChainRejected && (await this.rejectBroadcast(chain, settlement, error))) {
        return { status: 'failed', payer, hash: null, reason: error.code === 'INSUFFICIENT_FUNDS' ? 'insufficient_gas' : 'rejected' };
      }
      // Recorded and signed, fate unknown: the reconciler broadcasts the same bytes again, or finds them mined.
      return { status: 'pending', payer, hash: settlement.hash };
    }
    const finished = await this.awaitReceipt(chain, settlement);
    return finished ?? { status: 'pending', payer, hash: settlement.hash };
  }

  /**
   * Finishes the settlements left open (by a restart, a lost broadcast, a slow chain): a mined one gets
   * its outcome, one the node does not know is broadcast again (its recorded bytes, so the same hash),
   * and one whose broadcast the node refuses outright fails as in `settle`.
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
          await chain.rpc.broadcast(s.rawTx).catch(async (error: unknown) => {
            if (!(error instanceof ChainRejected && (await this.rejectBroadcast(chain, s, error)))) throw error;
          });
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
  private async rejectBroadcast(chain: Chain, s: Eip3009Settlement, error: ChainRejected): Promise<boolean> {
    // A node that cannot say now is taken to hold it: the record stays for the reconciler.
    const held = await Promise.all([chain.rpc.getReceipt(s.hash), chain.rpc.knowsTransaction(s.hash)]).then(
      ([receipt, known]) => receipt !== null || known,
      () => true,
    );
    if (held) return false;
    const gasAddress = (await this.gasWallet()).address;
    return this.db.transaction(async (tx) => {
      await this.web3.lockNonce(tx, chain.id, gasAddress);
      return this.settlements.reject(tx, s.id, `rejected by the node: ${error.code}`, !NONCE_TAKEN.has(error.code));
    });
  }

  private async usedMeanwhile(chain: Chain, token: string, a: TransferAuthorization): Promise<boolean> {
    if (await this.settlements.findLive(chain.id, token, getAddress(a.from), a.nonce.toLowerCase())) return true;
    return (await this.view(chain, token, 'authorizationState', [a.from, a.nonce]).catch(() => false)) === true;
  }

  private async awaitReceipt(chain: Chain, s: Eip3009Settlement): Promise<SettlementResult | null> {
    const deadline = Date.now() + this.receiptWaitMs;
    for (;;) {
      const receipt = await chain.rpc.getReceipt(s.hash).catch(() => null);
      if (receipt) {
        await this.finish(s, receipt);
        return receipt.status === 'success'
          ? { status: 'settled', payer: s.from, hash: s.hash, value: s.value }
          : { status: 'failed', payer: s.from, hash: s.hash, reason: 'reverted' };
      }
      if (Date.now() >= deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, RECEIPT_POLL_MS));
    }
  }

  private finish(s: Eip3009Settlement, receipt: { blockNumber: number; status: 'success' | 'reverted' }): Promise<boolean> {
    return this.settlements.finish(
      s.id,
      receipt.status === 'success'
        ? { status: 'settled', blockNumber: receipt.blockNumber }
        : { status: 'failed', blockNumber: receipt.blockNumber, reason: 'reverted' },
    );
  }

  private token(chain: Chain, asset: string): string | null {
    if (!isAddress(asset)) return null;
    const address = getAddress(asset.toLowerCase());
    return chain.tokens.find((t) => t.address === address)?.address ?? null;
  }

  private async view(
    chain: Chain,
    token: string,
    fn: 'DOMAIN_SEPARATOR' | 'authorizationState' | 'balanceOf',
    args: unknown[],
  ): Promise<unknown> {
    const raw = await chain.rpc.call(token, EIP3009_TOKEN.encodeFunctionData(fn, args));
    try {
      return EIP3009_TOKEN.decodeFunctionResult(fn, raw)[0];
    } catch {
      throw new ChainRejected(chain.id, 'BAD_DATA', `the token ${token} did not answer ${fn}() as an EIP-3009 token does`);
    }
  }

  /** Made on first use; two first uses at once: one insert wins and the other reads it. */
  private async gasWallet(): Promise<Web3Wallet> {
    const found = await this.web3.findWallet(GAS_WALLET_ID);
    if (found) return found;
    try {
      return await this.db.transaction(async (tx) => {
        const wallet: Web3Wallet = {
          id: GAS_WALLET_ID,
          ownerId: GAS_WALLET_OWNER,
          address: await this.vault.generate(tx, GAS_WALLET_ID),
          chainId: null,
          label: 'EIP-3009 settlement gas key',
          createdAt: this.now(),
        };
        await this.web3.insertWallet(tx, wallet);
        return wallet;
      });
    } catch (error) {
      const raced = await this.web3.findWallet(GAS_WALLET_ID);
      if (raced) return raced;
      throw error;
    }
  }
}
